# Re-plot: run `gnuplot gcc-c.gp` in this directory (paths are relative).
# Written by tools/bench-report.py from gcc-c.dat.
set terminal svg size 1200,1000 dynamic enhanced font 'sans,10'
set output 'gcc-c.svg'
set multiplot layout 2,1
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
     '' using 6:7:8 title 'split-global' lc rgb '#ff7f0e', \
     '' using 10:11:12 title 'shared' lc rgb '#1f77b4', \
     '' using 14:15:16 title 'linux-pti' lc rgb '#2ca02c', \
     '' using 18:19:20 title 'linux-nopti' lc rgb '#7f7f7f'
set title 'gcc-c: est_cycles (model), entry=sysenter' noenhanced
set style histogram clustered gap 2
set ylabel 'est_cycles (model) per call'
plot 'gcc-c.dat' using 5:xtic(1) title 'split' lc rgb '#d62728', \
     '' using 9 title 'split-global' lc rgb '#ff7f0e', \
     '' using 13 title 'shared' lc rgb '#1f77b4', \
     '' using 17 title 'linux-pti' lc rgb '#2ca02c', \
     '' using 21 title 'linux-nopti' lc rgb '#7f7f7f'
unset multiplot
