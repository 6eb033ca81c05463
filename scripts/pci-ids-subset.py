#!/usr/bin/env python3
"""Writes the part of pci.ids that `checker import` needs to map the names of an lspci dump
without -nn back to the IDs that the kernel's quirk tables and the hardware facts match on, for
machines that have no pci.ids of their own (docs/import.md, "Dumps without -nn").

    scripts/pci-ids-subset.py PATH/TO/pci.ids > Model/Import/Hardware/pci-ids-subset.ids

Kept, in pci.ids syntax: every vendor that a row of Model/Topology/Quirks/pci-quirks.tsv or
Model/Import/Hardware/pci-capabilities.tsv names; under each, the devices those rows name
(explicit IDs and every ID of a quirk's match ranges); and the whole class section. An explicit
ID (a row's own vendor:device, not a range member) that the given pci.ids lacks is written as a `# not in pci.ids: vvvv:dddd` comment, so that a test can
tell a stale subset from a name pci.ids does not have. pci.ids comes from
https://github.com/pciutils/pciids (or a system's /usr/share/misc/pci.ids).
"""
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
quirks = os.path.join(root, "Model", "Topology", "Quirks", "pci-quirks.tsv")
facts = os.path.join(root, "Model", "Import", "Hardware", "pci-capabilities.tsv")

vendors, devices, explicit = set(), set(), set()


def want(v, d=None, named=True):
    v = v.lower()
    vendors.add(v)
    if d is not None:
        devices.add(f"{v}:{d.lower()}")
        if named:
            explicit.add(f"{v}:{d.lower()}")


def rows(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            yield line.rstrip("\n").split("\t")


for kind, vendor, device, _cls, _fn, ids, *_ in rows(quirks):
    want(vendor, None if device == "any" else device)
    if kind == "acs" and ids != "-":  # alias rows list functions or subsystems, not device IDs
        for part in ids.split(","):
            a, _, b = part.partition("-")
            for x in range(int(a, 16), int(b or a, 16) + 1):
                want(vendor, f"{x:04x}", named=False)
for cols in rows(facts):
    v, _, d = cols[0].partition(":")
    want(v, d)

if len(sys.argv) != 2:
    sys.exit("usage: scripts/pci-ids-subset.py PATH/TO/pci.ids")
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    text = f.read().splitlines()
version = next((m.group(1) for l in text if (m := re.match(r"#\s*Version:\s*(\S+)", l))), "unknown")

out = [
    "# A subset of pci.ids (the PCI ID Repository, https://pci-ids.ucw.cz/, as published at",
    f"# https://github.com/pciutils/pciids), version {version}, written by scripts/pci-ids-subset.py:",
    "# the vendors and devices that the kernel quirks (pci-quirks.tsv) and the hardware facts",
    "# (pci-capabilities.tsv) name, and the device classes. pci.ids may be distributed under the",
    "# 3-clause BSD License or the GNU GPL (version 2 or later); it is a compilation of factual data,",
    "# copyright Martin Mares and Albert Pool as to aggregation and formatting.",
    "# `checker import` reads it when the system has no pci.ids of its own (docs/import.md).",
    "#",
]
found, in_vendor, in_class, vendor = set(), False, False, ""
for line in text:
    if not line or line.startswith("#"):
        continue
    if line.startswith("C "):
        in_class, in_vendor = True, False
        out.append(line)
        continue
    if in_class:
        if line.startswith("\t"):
            out.append(line)
        continue
    if re.match(r"^[0-9a-f]{4}  ", line):
        vendor = line[:4]
        in_vendor = vendor in vendors
        if in_vendor:
            out.append(line)
        continue
    if in_vendor and re.match(r"^\t[0-9a-f]{4}  ", line):
        key = f"{vendor}:{line[1:5]}"
        if key in devices:
            out.append(line)
            found.add(key)
for key in sorted(explicit - found):
    out.append(f"# not in pci.ids: {key}")
sys.stdout.write("\n".join(out) + "\n")
