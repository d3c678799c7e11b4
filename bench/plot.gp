# Cost per call against batch size for one call, one line per path with
# p10-p90 error bars, and the speed-up over the syscall instruction.
# tools/bench.py sets datafile (columns: batch, then median p10 p90 for syscall,
# int80 and page), call, term and out.
set terminal @term noenhanced
set output out
set multiplot layout 1,2 title sprintf("elk: %s, guest TSC cycles per call", call)
set logscale x 2
set grid
set xlabel "batch size (calls per flexsc_wait on the page path)"
# One colour per path in both panels.
set linetype 1 linecolor rgb "#7b2d8e"
set linetype 2 linecolor rgb "#009e73"
set linetype 3 linecolor rgb "#0072b2"

set logscale y 10
set ylabel "cycles per call (median, p10-p90)"
set key top right
plot datafile using 1:2:3:4 with yerrorlines linetype 1 title "syscall", \
	datafile using 1:5:6:7 with yerrorlines linetype 2 title "int $0x80", \
	datafile using 1:8:9:10 with yerrorlines linetype 3 title "syscall page"

unset logscale y
set ylabel "speed-up over syscall (syscall cycles / path cycles)"
set key top left
plot datafile using 1:($2/$8) with linespoints linetype 3 title "syscall page", \
	datafile using 1:($2/$5) with linespoints linetype 2 title "int $0x80", \
	1 with lines linetype 1 dashtype 2 title "syscall"
unset multiplot
