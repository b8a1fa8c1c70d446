#!/usr/bin/env python3
"""refresh-transcripts.py [REPO [BUILD]]: after `make test`, bring the
transcripts of docs/*.md and README.md up to this run. Every line of a
`<!-- transcript: LOGS -->` block (LOGS relative to BUILD, as
tools/check-docs.sh reads them) is replaced by the log line it matches:
the same line with every number treated as equal, found in order, as the
check matches them. So addresses, line numbers and counts follow the run
while the text stays what the docs chose to show ("..." lines and any
line the log lacks are left as they are: check-docs reports those).
Prints each file it changed and how many lines. REPO defaults to the tree
this script is in, BUILD to build."""
import re, sys, glob, os
repo = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
build = sys.argv[2] if len(sys.argv) > 2 else 'build'
def norm(l):
    l = l.replace('\r', '')
    l = re.sub(r'0x[0-9a-fA-F]+', '#', l); l = re.sub(r'[0-9a-fA-F]*[0-9][0-9a-fA-F]*', '#', l)
    return re.sub(r'\s+', ' ', l).strip()
for doc in sorted(glob.glob(os.path.join(repo, 'docs', '*.md'))) + [os.path.join(repo, 'README.md')]:
    lines = open(doc).read().split('\n'); changed = 0; k = 0
    while k < len(lines):
        m = re.match(r'^<!-- transcript: (\S+) -->$', lines[k])
        if not m or k + 1 >= len(lines) or not lines[k + 1].startswith('```'):
            k += 1; continue
        logs = []
        for f in m.group(1).split(','):
            p = os.path.join(repo, build, f)
            if not os.path.exists(p):
                logs = None; break
            logs += open(p, errors='replace').read().replace('\r', '').split('\n')
        j = k + 2; i = 0
        while j < len(lines) and not lines[j].startswith('```'):
            if logs is not None and lines[j] != '...':
                want = norm(lines[j]); i0 = i
                while i < len(logs) and norm(logs[i]) != want: i += 1
                if i < len(logs):
                    if logs[i] != lines[j]: lines[j] = logs[i]; changed += 1
                    i += 1
                else:
                    i = i0
            j += 1
        k = j + 1
    if changed:
        open(doc, 'w').write('\n'.join(lines)); print(doc, changed, 'lines refreshed')
