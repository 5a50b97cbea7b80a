#!/usr/bin/env python3
"""Writes tests/fixtures/cdnow_like.txt: a synthetic purchase log laid out like
the CDNOW export (no header row, columns aligned with runs of spaces, leading
spaces, CRLF line ends, dates YYYYMMDD, no order id):

       00001 19970101  1  11.77

customer id, date, number of items, total amount of the line. Made up from a
seed (standard library only, so it is the same file everywhere); a few lines
have tabs among the spaces or trailing blanks, a few amounts are 0.00, some
lines repeat exactly and there are blank lines, as in real exports.

    python tests/reference/make_whitespace_fixture.py --out tests/fixtures/cdnow_like.txt
"""

import argparse
import datetime
import random

SEED = 20260101
CUSTOMERS = 450
FIRST = datetime.date(1997, 1, 1)
LAST = datetime.date(1998, 6, 30)


def lines(rng):
    out = []
    for customer in range(1, CUSTOMERS + 1):
        day = FIRST + datetime.timedelta(days=rng.randrange(90))
        # Loyal customers come back often, most never or rarely.
        mean_gap = [30, 90, 240, 800][rng.randrange(4)]
        while day <= LAST:
            for _ in range(1 + int(rng.random() < 0.3) + int(rng.random() < 0.1)):
                items = 1 + int(rng.expovariate(0.6))
                amount = round(items * (8 + rng.random() * 12), 2)
                if rng.random() < 0.01:
                    amount = 0.0
                out.append((customer, day, items, amount))
                if rng.random() < 0.02:
                    out.append((customer, day, items, amount))
            day += datetime.timedelta(days=1 + int(rng.expovariate(1 / mean_gap)))
    return out


def render(rng, row):
    customer, day, items, amount = row
    text = f"   {customer:05d} {day:%Y%m%d} {items:2d} {amount:6.2f}"
    if rng.random() < 0.01:
        text = text.replace(" ", "\t", 2).replace(f"{day:%Y%m%d} ", f"{day:%Y%m%d}\t ")
    if rng.random() < 0.01:
        text += "  "
    return text


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(SEED)
    rows = lines(rng)
    with open(args.out, "w", encoding="ascii", newline="") as f:
        for i, row in enumerate(rows):
            f.write(render(rng, row) + "\r\n")
            if i % 997 == 500:
                f.write("\r\n")


if __name__ == "__main__":
    main()
