# Draws a soak run's samples (bench/soak --csv=FILE) as a PNG:
#   gnuplot -e "in='soak.csv'; out='soak.png'" bench/soak_plot.gp
# (Debian gnuplot-nox.) Left axis: gateway RSS (MiB); right axis: calls in flight.
set datafile separator ","
set terminal pngcairo size 1000,500 noenhanced
set output out
set title "hss-gateway soak: RSS and calls in flight"
set xlabel "seconds"
set ylabel "RSS (MiB)"
set y2label "calls in flight / fds"
set ytics nomirror
set y2tics
set yrange [0:*]
set y2range [0:*]
set key right bottom box opaque
plot in using 1:2 skip 1 with lines lw 2 title "RSS MiB" axes x1y1, \
     in using 1:5 skip 1 with lines title "in flight" axes x1y2, \
     in using 1:3 skip 1 with lines dt 2 title "fds" axes x1y2
