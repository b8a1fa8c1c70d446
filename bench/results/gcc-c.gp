# Re-plot: run `gnuplot gcc-c.gp` in this directory (paths are relative).
# Written by tools/bench-report.py from gcc-c.dat.
set terminal svg size 1200,600 dynamic enhanced font 'sans,10'
set output 'gcc-c.svg'
set title 'gcc-c: p50 with p99 whiskers (instructions), entry=sysenter' noenhanced
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -30 nomirror noenhanced
set key outside top center horizontal noenhanced
set grid ytics
set ylabel 'instructions per call (p50 bar, p99 whisker)'
set logscale y
set yrange [*:*]
plot 'gcc-c.dat' using 2:3:4:xtic(1) title 'split' lc rgb '#d62728', \
     '' using 5:6:7 title 'split-global' lc rgb '#ff7f0e', \
     '' using 8:9:10 title 'shared' lc rgb '#1f77b4', \
     '' using 11:12:13 title 'linux-pti' lc rgb '#2ca02c', \
     '' using 14:15:16 title 'linux-nopti' lc rgb '#7f7f7f'
