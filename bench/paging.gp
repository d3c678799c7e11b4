# The paging sweep: cycles per touch (top) and pages moved to and from swap per
# second (bottom) against the working set as a multiple of the guest's memory,
# one line per order. tools/bench.py sets seqfile and randomfile (columns: ratio,
# cycles per touch, pages moved per second), ram (the guest's memory), term and out.
set terminal @term noenhanced
set output out
set multiplot layout 2,1 title sprintf("elk: paging, a word written per page, %s of memory, swap on virtio-blk (a sparse file on the host)", ram)
set grid
set logscale x 2
set xtics ("0.5x" 0.5, "1x" 1, "2x" 2, "4x" 4)
set xlabel "working set / memory"
set key top left
set linetype 1 linecolor rgb "#7b2d8e"
set linetype 3 linecolor rgb "#0072b2"
set logscale y
set ylabel "guest TSC cycles per touch"
plot seqfile using 1:2 with linespoints linetype 1 title "sequential", \
	randomfile using 1:2 with linespoints linetype 3 title "random"
unset logscale y
set yrange [0:*]
set ylabel "pages moved per second"
plot seqfile using 1:3 with linespoints linetype 1 title "sequential", \
	randomfile using 1:3 with linespoints linetype 3 title "random"
unset multiplot
