#!/usr/bin/env python3
"""Writes the part of pci.ids that `checker import` needs to map the names of an lspci dump
without -nn back to the IDs that the kernel's quirk tables and the hardware facts match on, for
machines that have no pci.ids of their own (docs/import.md, "Dumps without -nn").

    scripts/pci-ids-subset.py PATH/TO/pci.ids [--history GIT_DIR] > Model/Import/Hardware/pci-ids-subset.ids

With --history, GIT_DIR is a clone of https://github.com/pciutils/pciids: every earlier version
of its pci.ids is read too, and each kept device is followed by the other names it has had (same
ID, one line each), since a dump prints the names of the pci.ids its machine had, which may be
years older than the current one. A name that two devices of one vendor have had goes to the one
that had it in the later version (pci.ids corrected the other), to neither if both had it then.

Kept, in pci.ids syntax: every vendor that a row of Model/Topology/Quirks/pci-quirks.tsv or
Model/Import/Hardware/pci-capabilities.tsv names; under each, the devices those rows name
(explicit IDs and every ID of a quirk's match ranges), and every other device of the vendor that
has (or had) one of their names once a trailing ` #N` is dropped from both (the import maps such
a name to all of them, and decides only where they all give the same answers, so none may be
missing; one no longer in the given pci.ids is written with its earlier names); and the whole
class section. An explicit
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

args = sys.argv[1:]
history = None
if len(args) == 3 and args[1] == "--history":
    history = args[2]
elif len(args) != 1:
    sys.exit("usage: scripts/pci-ids-subset.py PATH/TO/pci.ids [--history GIT_DIR]")
with open(args[0], encoding="utf-8", errors="replace") as f:
    text = f.read().splitlines()


def vendor_names(lines):
    """(vendor, device) -> name for every device of a kept vendor in one pci.ids version."""
    names, vendor, keep = {}, "", False
    for line in lines:
        if line.startswith("C "):
            break
        if re.match(r"^[0-9a-f]{4}  ", line):
            vendor, keep = line[:4], line[:4] in vendors
        elif keep and re.match(r"^\t[0-9a-f]{4}  ", line):
            names[f"{vendor}:{line[1:5]}"] = line[7:].strip()
    return names


def loose(name):
    """PciIdsDatabase.Loose: case, `PCI Express` for `PCIe`, the word `Series`, punctuation and blanks taken out."""
    s = name.lower().replace("pci express", "pcie").replace("series", "")
    return "".join(c for c in s if c.isalnum())


def unnumbered(name):
    """PciIdsDatabase.UnnumberedKey: the name without a trailing ` #N`, in its loose form."""
    return loose(re.sub(r"\s+#\d+$", "", name.strip()))


versions = [vendor_names(text)]  # the given pci.ids last; the history's versions before it, oldest first
if history is not None:
    import subprocess
    commits = subprocess.run(["git", "-C", history, "log", "--reverse", "--format=%H", "--", "pci.ids"],
                             check=True, capture_output=True, text=True).stdout.split()
    old_versions = []
    for commit in commits:
        old = subprocess.run(["git", "-C", history, "show", f"{commit}:pci.ids"],
                             check=True, capture_output=True).stdout.decode("utf-8", "replace").splitlines()
        old_versions.append(vendor_names(old))
    versions = old_versions + versions
    first_date = subprocess.run(["git", "-C", history, "log", "-1", "--format=%ad", "--date=short", commits[0]],
                                check=True, capture_output=True, text=True).stdout.strip()

# A name without -nn that no device has but some have once the ` #N` pci.ids ends it with is
# dropped maps to every device of that form (PciIdsDatabase.Unnumbered), and the import decides
# only where all of them give the same answers: so every device whose name (in any version) has
# the unnumbered form of a kept device's name is kept too.
# Only forms some name of which carries such an ordinal count (PciIdsDatabase.Unnumbered knows no other).
forms, numbered = {}, set()  # (vendor, unnumbered form) -> keys that had a name of that form; forms with an ordinal
for names in versions:
    for key, name in names.items():
        form = (key[:4], unnumbered(name))
        forms.setdefault(form, set()).add(key)
        if re.search(r"\s#\d+$", name.strip()):
            numbered.add(form)
kept_forms = {(key[:4], unnumbered(name)) for names in versions for key, name in names.items() if key in devices} & numbered
alike = {key for form in kept_forms for key in forms[form]} - devices
devices |= alike

current = {k: n for k, n in versions[-1].items() if k in devices}
earlier = {}  # key -> names it had in earlier versions, oldest first
if history is not None:
    last = {}  # (vendor, name) -> {key: index of the last version in which key had that name}
    for index, names in enumerate(versions[:-1]):
        for key, name in names.items():
            if key not in devices:
                continue
            last.setdefault((key[:4], name), {})[key] = index
            if name != current.get(key) and name not in earlier.setdefault(key, []):
                earlier[key].append(name)
    for key, name in current.items():
        last.setdefault((key[:4], name), {})[key] = len(commits)
    # A name two devices of one vendor have had belongs to the one that had it last (pci.ids
    # corrected the other); where both had it in that version, to neither.
    # The devices kept for their unnumbered names do not take a name from a device kept for its
    # own rows: such a name is then written for both, and the import sees them named alike.
    def owner(key, name):
        holders = {k: i for k, i in last[(key[:4], name)].items() if (k in alike) == (key in alike) or key in alike}
        latest = max(holders.values())
        at_latest = [k for k, i in holders.items() if i == latest]
        return at_latest[0] if len(at_latest) == 1 else None
    for key in earlier:
        earlier[key] = [n for n in earlier[key] if owner(key, n) == key]
version = next((m.group(1) for l in text if (m := re.match(r"#\s*Version:\s*(\S+)", l))), "unknown")

out = [
    "# A subset of pci.ids (the PCI ID Repository, https://pci-ids.ucw.cz/, as published at",
    f"# https://github.com/pciutils/pciids), version {version}, written by scripts/pci-ids-subset.py:",
    "# the vendors and devices that the kernel quirks (pci-quirks.tsv) and the hardware facts",
    "# (pci-capabilities.tsv) name, and the device classes. pci.ids may be distributed under the",
    "# 3-clause BSD License or the GNU GPL (version 2 or later); it is a compilation of factual data,",
    "# copyright Martin Mares and Albert Pool as to aggregation and formatting.",
    "# `checker import` reads it when the system has no pci.ids of its own (docs/import.md).",
    *([f"# A device's first line is its name in this version; lines with the same ID after it are the names",
       f"# it had in the {len(commits)} versions of pci.ids in that repository's history, from {first_date} on."] if history is not None else []),
    "#",
]
found, in_vendor, in_class, vendor = set(), False, False, ""


def flush_gone(vendor):
    """The devices kept for their unnumbered names that this version no longer lists: their earlier names."""
    for key in sorted(k for k in alike if k[:4] == vendor and k not in versions[-1]):
        for name in earlier.get(key, []):
            out.append(f"\t{key[5:]}  {name}")


for line in text:
    if not line or line.startswith("#"):
        continue
    if line.startswith("C "):
        if in_vendor:
            flush_gone(vendor)
        in_class, in_vendor = True, False
        out.append(line)
        continue
    if in_class:
        if line.startswith("\t"):
            out.append(line)
        continue
    if re.match(r"^[0-9a-f]{4}  ", line):
        if in_vendor:
            flush_gone(vendor)
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
            for name in earlier.get(key, []):
                out.append(f"\t{line[1:5]}  {name}")
for key in sorted(explicit - found):
    out.append(f"# not in pci.ids: {key}")
sys.stdout.write("\n".join(out) + "\n")
