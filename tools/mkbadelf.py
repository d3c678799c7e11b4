#!/usr/bin/env python3
"""Write malformed copies of a good static ELF64 program, for the ELF loader's tests.

    tools/mkbadelf.py GOOD_ELF OUTDIR

Each file in OUTDIR is GOOD_ELF with one defect, named after it:

    badelf-magic      e_ident does not start with 0x7f 'E' 'L' 'F'
    badelf-class      e_ident says ELFCLASS32
    badelf-machine    e_machine is 3 (i386)
    badelf-kernaddr   the first PT_LOAD is moved to the kernel's 0xffffffff80000000
    badelf-overlap    the second PT_LOAD overlaps the first
    badelf-filesz     a PT_LOAD has p_filesz > p_memsz
    badelf-overflow   a PT_LOAD's p_vaddr + p_memsz wraps past 2^64
    badelf-truncated  the file ends before the last program header does
    badelf-entry      e_entry lies in no executable segment

Every file is read back from disk and checked to have its defect.
"""

import os
import struct
import sys
from collections import namedtuple

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")
PHDR = struct.Struct("<IIQQQQQQ")
Ehdr = namedtuple("Ehdr", "ident type machine version entry phoff shoff flags "
                          "ehsize phentsize phnum shentsize shnum shstrndx")
Phdr = namedtuple("Phdr", "type flags offset vaddr paddr filesz memsz align")

PT_LOAD = 1
PF_X = 1
EM_386 = 3
ELFCLASS32 = 1
PAGE = 4096
KERNBASE = 0xffffffff80000000
TOP = 1 << 64


def ehdr(data):
    """The ELF header of DATA."""
    return Ehdr._make(EHDR.unpack_from(data, 0))


def phdrs(data):
    """All program headers of DATA, in table order."""
    eh = ehdr(data)
    return [Phdr._make(PHDR.unpack_from(data, eh.phoff + i * eh.phentsize))
            for i in range(eh.phnum)]


def loads(data):
    """(table index, header) of each PT_LOAD of DATA, in table order."""
    return [(i, ph) for i, ph in enumerate(phdrs(data)) if ph.type == PT_LOAD]


def with_ehdr(data, **changes):
    """DATA with the named ELF header fields replaced."""
    out = bytearray(data)
    EHDR.pack_into(out, 0, *ehdr(data)._replace(**changes))
    return bytes(out)


def with_phdr(data, index, **changes):
    """DATA with the named fields of program header INDEX replaced."""
    eh = ehdr(data)
    out = bytearray(data)
    PHDR.pack_into(out, eh.phoff + index * eh.phentsize,
                   *phdrs(data)[index]._replace(**changes))
    return bytes(out)


def with_ident(data, pos, value):
    """DATA with e_ident byte(s) at POS replaced by VALUE."""
    return data[:pos] + value + data[pos + len(value):]


def kernaddr(data):
    """Move the first PT_LOAD into the kernel half, keeping its offset within the page."""
    i, ph = loads(data)[0]
    return with_phdr(data, i, vaddr=KERNBASE | (ph.vaddr % PAGE))


def overlap(data):
    """Put the second PT_LOAD on the first's first page, congruent with its file offset."""
    (_, first), (j, second) = loads(data)[:2]
    vaddr = first.vaddr - first.vaddr % PAGE + second.offset % PAGE
    if vaddr < first.vaddr:
        vaddr += PAGE
    return with_phdr(data, j, vaddr=vaddr, paddr=vaddr)


def filesz(data):
    """Shrink p_memsz of the first PT_LOAD with file contents below its p_filesz."""
    i, ph = next((i, ph) for i, ph in loads(data) if ph.filesz > 0)
    return with_phdr(data, i, memsz=ph.filesz - 1)


def overflow(data):
    """Grow the last PT_LOAD so that it ends a page past 2^64."""
    i, ph = loads(data)[-1]
    return with_phdr(data, i, memsz=TOP - ph.vaddr + PAGE)


def truncated(data):
    """Cut DATA one byte short of the end of its program header table."""
    eh = ehdr(data)
    return data[:eh.phoff + eh.phnum * eh.phentsize - 1]


def entry(data):
    """Point e_entry at a non-executable segment, or past every segment if none is."""
    others = [ph for _, ph in loads(data) if not ph.flags & PF_X]
    if others:
        return with_ehdr(data, entry=others[0].vaddr)
    end = max(ph.vaddr + ph.memsz for _, ph in loads(data))
    return with_ehdr(data, entry=end - end % PAGE + PAGE)


def ranges_meet(a, b):
    """True if segments A and B share a virtual address."""
    return a.vaddr < b.vaddr + b.memsz and b.vaddr < a.vaddr + a.memsz


def in_exec_segment(data, addr):
    """True if ADDR lies in an executable PT_LOAD of DATA."""
    return any(ph.flags & PF_X and ph.vaddr <= addr < ph.vaddr + ph.memsz
               for _, ph in loads(data))


# name -> (make the defect from good bytes, check that the bytes have it)
VARIANTS = {
    "badelf-magic": (lambda d: with_ident(d, 1, b"BAD"),
                     lambda d: d[:4] != b"\x7fELF"),
    "badelf-class": (lambda d: with_ident(d, 4, bytes([ELFCLASS32])),
                     lambda d: d[4] == ELFCLASS32),
    "badelf-machine": (lambda d: with_ehdr(d, machine=EM_386),
                       lambda d: ehdr(d).machine == EM_386),
    "badelf-kernaddr": (kernaddr,
                        lambda d: loads(d)[0][1].vaddr & ~(PAGE - 1) == KERNBASE),
    "badelf-overlap": (overlap,
                       lambda d: ranges_meet(loads(d)[0][1], loads(d)[1][1])),
    "badelf-filesz": (filesz,
                      lambda d: any(ph.filesz > ph.memsz for _, ph in loads(d))),
    "badelf-overflow": (overflow,
                        lambda d: any(ph.vaddr + ph.memsz > TOP for _, ph in loads(d))),
    "badelf-truncated": (truncated,
                         lambda d: len(d) < ehdr(d).phoff + ehdr(d).phnum * ehdr(d).phentsize),
    "badelf-entry": (entry,
                     lambda d: not in_exec_segment(d, ehdr(d).entry)),
}


def check_good(data):
    """Raise ValueError unless DATA is an ELF64 file with at least two PT_LOADs."""
    if len(data) < EHDR.size or data[:5] != b"\x7fELF\x02":
        raise ValueError("not an ELF64 file")
    if len(loads(data)) < 2:
        raise ValueError("needs at least two PT_LOAD segments")


def main(argv):
    """Write and verify every variant; 1 with a message if anything is wrong."""
    if len(argv) != 2:
        print("usage: mkbadelf.py GOOD_ELF OUTDIR", file=sys.stderr)
        return 1
    good_path, outdir = argv
    try:
        with open(good_path, "rb") as f:
            good = f.read()
        check_good(good)
        os.makedirs(outdir, exist_ok=True)
        for name, (make, has_defect) in VARIANTS.items():
            path = os.path.join(outdir, name)
            with open(path, "wb") as f:
                f.write(make(good))
            with open(path, "rb") as f:
                if not has_defect(f.read()):
                    raise ValueError(f"{path} came out without its defect")
    except (OSError, ValueError) as e:
        print(f"mkbadelf: {good_path}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
