#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Embed a text file as a C string: embed.py INPUT OUTPUT SYMBOL
# Emits `const char SYMBOL_data[]` (NUL-terminated) and `const size_t SYMBOL_size`.
import sys


def main():
    src, dst, sym = sys.argv[1:4]
    data = open(src, 'rb').read()
    if b'\0' in data:
        sys.exit('embed.py: %s contains NUL' % src)
    out = ['/* Generated from %s by embed.py: do not edit. */' % src.split('/')[-1],
           '#include <stddef.h>',
           'extern const char %s_data[];' % sym,
           'extern const size_t %s_size;' % sym,
           'const char %s_data[] =' % sym]
    for line in data.splitlines(keepends=True):
        esc = ''.join(c if 0x20 <= b < 0x7f and c not in '"\\?' else '\\%03o' % b
                      for b, c in ((b, chr(b)) for b in line))
        out.append('\t"%s"' % esc)
    if not data:
        out.append('\t""')
    out[-1] += ';'
    out.append('const size_t %s_size = %d;' % (sym, len(data)))
    with open(dst, 'w') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
