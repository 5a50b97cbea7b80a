#!/usr/bin/env python3
"""Writes realistic synthetic retail transactions in the UCI "Online Retail" layout.

    InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country

Deterministic for a given --seed. Only the standard library is needed, and it
streams, so memory stays small whatever the row count.

Behaviour mixed in on purpose (the cleaning rules and segments need it):
long-tailed spend (log-normal prices, a few wholesalers with big quantities),
many one-time buyers, loyal repeat buyers, churned customers who stop mid-year,
new customers who start late, ~2% cancellation invoices (InvoiceNo `C…`,
negative quantities), ~0.5% lines priced 0, ~20% of invoices without a
CustomerID (guest checkouts), a few exact duplicate lines, several countries,
Excel-style ids (`17850.0`) on ~5% of rows, descriptions with commas and quotes.

The bundled sample was made with:
    python3 scripts/generate_transactions.py --rows 6000 --seed 7 --out public/sample.csv

Options for the file shapes that take the reader off its plainest path
(without them the output is byte for byte what it always was, so benchmarks
stay comparable; with them the rows, customers and amounts are the same and
only the cells' text differs):
  --dates iso              InvoiceDate as `2010-12-01 08:26:00` (pandas' export
                           of the UCI workbook) instead of `12/1/2010 8:26`
                           (`--dates mdy`, the default: the UCI CSV export);
  --quoted-descriptions    every Description holds a comma, so every line has a
                           quoted field, and about one in eight a quote of its
                           own, doubled in the file (`""Retro"" LANTERN, WHITE`
                           between the field's quotes);
  --float-ids              every CustomerID as `17850.0` (pandas writes a column
                           of ids with gaps as floats), not only ~5% of them.
"""

import argparse
import csv
import datetime as dt
import itertools
import math
import random
import sys

START = dt.datetime(2010, 12, 1)
DAYS = 374  # 2010-12-01 .. 2011-12-09, like the UCI data
COUNTRIES = [("United Kingdom", 0.85), ("Germany", 0.03), ("France", 0.03), ("EIRE", 0.02), ("Spain", 0.015),
             ("Netherlands", 0.015), ("Belgium", 0.01), ("Switzerland", 0.01), ("Portugal", 0.01), ("Australia", 0.01)]
ADJECTIVES = ["WHITE", "RED", "VINTAGE", "REGENCY", "JUMBO", "PINK", "BLUE", "HEART", "SPOTTY", "RETRO", "WOODEN", "GLASS"]
NOUNS = ["HANGING HEART T-LIGHT HOLDER", "LANTERN", "TEACUP AND SAUCER", "LUNCH BAG", "CAKE STAND", "PHOTO FRAME",
         "DOORMAT", "BUNTING", "ALARM CLOCK", "WATER BOTTLE", "NAPKINS", "CHRISTMAS DECORATION"]
# Customer types: (share, invoices per year (mean), active months, quantity multiplier)
TYPES = {
    "one_time": (0.45, 1, None, 1),
    "occasional": (0.30, 3, None, 1),
    "loyal": (0.15, 14, None, 1.5),
    "churned": (0.07, 5, "early", 1),
    "wholesaler": (0.03, 10, None, 12),
}


def catalogue(rng, size=300):
    products = []
    for i in range(size):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if i % 37 == 0:
            name = f'{name}, SET OF {rng.randint(2, 12)}'
        if i % 53 == 0:
            name = f'"{rng.choice(ADJECTIVES).title()}" {name}'
        price = round(min(max(math.exp(rng.gauss(0.9, 0.8)), 0.19), 165.0), 2)
        code = f"{84000 + i * 7}{rng.choice(['', '', 'A', 'B'])}"
        products.append((code, name, price))
    return products


def quoted_descriptions(products, seed):
    """Every name given a comma (so csv quotes it), one in eight a doubled
    quote; its own generator, so the rows drawn stay those of the default."""
    rng = random.Random(f"quoted-{seed}")
    quoted = []
    for code, name, price in products:
        name = f"{name.replace(', ', ' ')}, {rng.choice(ADJECTIVES)}"
        if rng.random() < 0.125:
            name = f'"{rng.choice(ADJECTIVES).title()}" {name}'
        quoted.append((code, name, price))
    return quoted


def customers(rng, count):
    kinds, weights = zip(*[(k, v[0]) for k, v in TYPES.items()])
    people = []
    for i in range(count):
        kind = rng.choices(kinds, weights)[0]
        _, per_year, window, _ = TYPES[kind]
        if window == "early":
            start, end = 0, rng.randint(90, 240)
        elif kind == "one_time" or rng.random() < 0.2:
            start, end = rng.randint(0, DAYS - 1), DAYS  # includes new customers who start late
        else:
            start, end = rng.randint(0, 120), DAYS
        weight = per_year * rng.lognormvariate(0, 0.5) * (end - start) / DAYS
        country = rng.choices([c for c, _ in COUNTRIES], [w for _, w in COUNTRIES])[0]
        people.append({"id": 12346 + i * max(1, 5940 // max(count, 1)), "kind": kind, "start": start, "end": end,
                       "weight": max(weight, 0.05), "country": country, "last": None})
    return people


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=6000, help="target number of data lines")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--customers", type=int, help="number of customers (default: rows / 18, at least 50)")
    parser.add_argument("--out", help="output path (default: stdout)")
    parser.add_argument("--dates", choices=["mdy", "iso"], default="mdy",
                        help="InvoiceDate form: mdy `12/1/2010 8:26` (default, the UCI CSV export) "
                             "or iso `2010-12-01 08:26:00`")
    parser.add_argument("--quoted-descriptions", action="store_true",
                        help="every Description holds a comma (quoted), ~1 in 8 a doubled quote")
    parser.add_argument("--float-ids", action="store_true",
                        help="every CustomerID written as a float, `17850.0` (default: ~5%% of them)")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    products = catalogue(rng)
    if args.quoted_descriptions:
        products = quoted_descriptions(products, args.seed)
    people = customers(rng, args.customers or max(50, args.rows // 18))
    # Cumulative weights once: choices() then bisects instead of summing every call.
    cumulative = list(itertools.accumulate(p["weight"] for p in people))
    lines_per_invoice = 4.5
    invoices_per_day = args.rows / lines_per_invoice / DAYS

    out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"])
    written, invoice_no, day = 0, 536365, 0
    while written < args.rows:
        date = START + dt.timedelta(days=day % DAYS)
        # Busier towards Christmas, quiet on Saturdays (the UCI shop shipped none).
        season = 1.0 + 0.8 * math.exp(-((day % DAYS) - 340) ** 2 / 800)
        if date.weekday() == 5:
            season = 0.05
        for _ in range(max(0, round(rng.gauss(invoices_per_day * season, math.sqrt(invoices_per_day * season))))):
            person = None
            for _ in range(20):  # pick an active customer, weighted by how much they buy
                candidate = rng.choices(people, cum_weights=cumulative)[0]
                if candidate["start"] <= day % DAYS <= candidate["end"]:
                    person = candidate
                    break
            guest = person is None or rng.random() < 0.2
            at = date + dt.timedelta(hours=rng.randint(7, 19), minutes=rng.randint(0, 59))
            if args.dates == "iso":
                stamp = at.strftime("%Y-%m-%d %H:%M:%S")
            else:
                stamp = f"{at.month}/{at.day}/{at.year} {at.hour}:{at.minute:02d}"
            country = person["country"] if person else "United Kingdom"
            multiplier = TYPES[person["kind"]][3] if person else 1
            lines = []
            for _ in range(max(1, int(rng.expovariate(1 / lines_per_invoice)))):
                code, name, price = rng.choice(products)
                quantity = max(1, int(rng.expovariate(1 / 6) * multiplier))
                lines.append((code, name, quantity, 0.0 if rng.random() < 0.005 else price))
            cancel = person is not None and person["last"] and rng.random() < 0.02
            for code, name, quantity, price in lines:
                customer = "" if guest else str(person["id"])
                # The draw is made either way, so --float-ids keeps the same rows.
                if customer and (rng.random() < 0.05 or args.float_ids):
                    customer += ".0"  # Excel turned the id into a float
                row = [str(invoice_no), code, name, quantity, stamp, f"{price:g}", customer, country]
                writer.writerow(row)
                written += 1
                if rng.random() < 0.003:
                    writer.writerow(row)  # an exact duplicate line
                    written += 1
            if cancel:
                invoice_no += 1
                code, name, quantity, price = rng.choice(person["last"])
                customer = str(person["id"]) + (".0" if args.float_ids else "")
                writer.writerow([f"C{invoice_no}", code, name, -quantity, stamp, f"{price:g}", customer, country])
                written += 1
            if person is not None and not guest:
                person["last"] = lines
            invoice_no += 1
            if written >= args.rows:
                break
        day += 1
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
