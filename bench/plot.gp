# Cost per operation against batch size for one operation, one line per path
# with p10-p90 error bars (left), and each path's speed-up over the syscall
# instruction (right). tools/bench.py sets:
#   datafile  columns: batch, then median p10 p90 for syscall, int80 and page,
#             already in the unit of ylabel
#   term, out, title (two lines: the operation; timing mode, sweep, repetitions)
#   ylabel    the unit of the left panel
#   xmin, xmax, ymin, ymax, rmin, rmax: axis ranges fitted to the data with a
#             margin, so that no bar or point sits on the frame
#   ylog      1 for a log scale on the left panel's y axis, with yticks its ticks
set terminal @term noenhanced font "sans,11"
set output out
set multiplot title title font "sans,12"
set logscale x 2
set xrange [xmin:xmax]
set grid lc rgb "#d0d0d0"
set xlabel "batch size (calls per flexsc_wait)"
set tmargin at screen 0.86
set bmargin at screen 0.24

# The paths differ in lightness, dash and point shape, so they stay apart in
# grey scale: syscall black circles, int $0x80 light orange triangles, the
# page mid blue squares.
set linetype 1 linecolor rgb "#000000" linewidth 2 pointtype 7 pointsize 1.1
set linetype 2 linecolor rgb "#e69f00" linewidth 2 pointtype 9 pointsize 1.4
set linetype 3 linecolor rgb "#0072b2" linewidth 2 pointtype 5 pointsize 1.0

# Left panel: medians with their p10-p90 bars.
set lmargin at screen 0.10
set rmargin at screen 0.47
if (ylog) { set logscale y 10; set ytics @yticks }
set yrange [ymin:ymax]
set format y "%.0f"
set ylabel ylabel
unset key
# The paths sit a little apart around each batch size, so that their bars do
# not hide each other.
plot datafile using ($1/1.06):2:3:4 with yerrorlines linetype 1 notitle, \
	datafile using 1:5:6:7 with yerrorlines linetype 2 notitle, \
	datafile using ($1*1.06):8:9:10 with yerrorlines linetype 3 notitle

# Right panel: medians only; 1 (the grey line) is as fast as syscall.
set lmargin at screen 0.60
set rmargin at screen 0.96
unset logscale y
set ytics autofreq
set format y "%g"
set yrange [rmin:rmax]
set ylabel "speed-up over syscall (above 1: faster)"
plot 1 with lines linecolor rgb "#606060" linewidth 1.5 dashtype 2 notitle, \
	datafile using 1:($2/$5) with linespoints linetype 2 notitle, \
	datafile using 1:($2/$8) with linespoints linetype 3 notitle
# The one key for both panels, below them and outside the data: a plot with
# no data of its own spanning the figure, so that its key fits on one row.
set lmargin at screen 0.05
set rmargin at screen 0.95
set tmargin at screen 0.10
set bmargin at screen 0.02
unset border
unset tics
unset xlabel
unset ylabel
unset grid
unset logscale
set xrange [0:1]
set yrange [0:1]
set key center center horizontal maxcols 4 samplen 3
plot NaN with linespoints linetype 1 title "syscall", \
	NaN with linespoints linetype 2 title "int $0x80", \
	NaN with linespoints linetype 3 title "syscall page", \
	NaN with lines linecolor rgb "#606060" linewidth 1.5 dashtype 2 title "as fast as syscall"
unset multiplot
