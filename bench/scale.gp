# Total null calls per second against the number of processes, one line per
# path. tools/bench.py sets datafile (columns: processes, syscall calls/s, page
# calls/s), cpus (the guest's CPU count), term and out.
set terminal @term noenhanced
set output out
set title sprintf("elk: P processes of null calls on %d emulated CPUs (the host has 2 cores)", cpus)
set grid
set xlabel "processes (P)"
set ylabel "total calls per second"
set xtics 1
set yrange [0:*]
set key top left
set linetype 1 linecolor rgb "#7b2d8e"
set linetype 3 linecolor rgb "#0072b2"
plot datafile using 1:2 with linespoints linetype 1 title "syscall", \
	datafile using 1:3 with linespoints linetype 3 title "own syscall page (batch 64)"
