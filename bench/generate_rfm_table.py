"""Writes a synthetic RFM table (the warehouse SQL's output layout) with N
customers, for timing the import in the browser:
    python3 bench/generate_rfm_table.py 1000000 /tmp/rfm-1m.csv
    node bench/import_bench.mjs /tmp/rfm-1m.csv
"""
import random, sys
n = int(sys.argv[1]); out = sys.argv[2]
rnd = random.Random(7)
countries = ["United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands"]
with open(out, "w") as f:
    f.write("customer_id,recency_days,frequency,monetary,country,reference_date\n")
    for i in range(n):
        freq = 1 + int(rnd.paretovariate(1.6)) - 1 if rnd.random() < 0.6 else 1 + int(rnd.expovariate(0.3))
        rec = 1 + int(rnd.expovariate(1 / 90.0)) % 400
        mon = round(freq * rnd.lognormvariate(3.5, 0.9), 2)
        f.write(f"C{i:07d},{rec},{freq},{mon},{rnd.choice(countries)},2011-12-10\n")
