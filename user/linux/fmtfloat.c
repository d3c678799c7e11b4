/*
 * fmtfloat: musl's floating-point formatting (printf's %f, %e, %g, %a and
 * %Lf), which needs the FPU and SSE state the kernel saves and restores across
 * traps and switches. The values are computed at run time from volatile
 * operands, so the compiler folds nothing; each is formatted and compared with
 * the exact string C's rules give (round to nearest, ties to even on the
 * binary value). A line is printed through stdout as well, which the case
 * checks. It prints "fmtfloat: ok" and exits 0, on elk as on Linux.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int failures;

/* One check: got, what fmt made, must be want. */
static void compare(const char *fmt, const char *got, const char *want)
{
	if (strcmp(got, want) != 0) {
		printf("fmtfloat: FAIL \"%s\" gave \"%s\", expected \"%s\"\n", fmt, got, want);
		failures++;
	}
}

/* The text fmt makes of x, a double, must be want. */
static void expect_double(const char *fmt, double x, const char *want)
{
	char got[400];
	snprintf(got, sizeof(got), fmt, x);
	compare(fmt, got, want);
}

/* The same for a long double (x87 arithmetic in musl's formatter). */
static void expect_long_double(const char *fmt, long double x, const char *want)
{
	char got[400];
	snprintf(got, sizeof(got), fmt, x);
	compare(fmt, got, want);
}

int main(void)
{
	volatile double one = 1.0, two = 2.0, three = 3.0, ten = 10.0, zero = 0.0;

	expect_double("%f", zero, "0.000000");
	expect_double("%f", -zero, "-0.000000");
	expect_double("%f", one + one / two, "1.500000");
	expect_double("%f", one / three, "0.333333");
	expect_double("%f", -two / three, "-0.666667");
	expect_double("%.2f", -(two + one / (two * two)), "-2.25");
	expect_double("%.10f", 4 * atan(one), "3.1415926536");
	expect_double("%f", pow(ten, 20), "100000000000000000000.000000");
	expect_double("%.20f", one / ten, "0.10000000000000000555");
	expect_double("%.0f", two + one / two, "2");	/* a tie: to even */
	expect_double("%.0f", three + one / two, "4");
	expect_double("%.1f", (one + two * two * two * two) / (two * two * two * two * two), "0.5");
	expect_double("%f", pow(ten, -7), "0.000000");
	expect_double("%.0f", ldexp(one, 64), "18446744073709551616");
	expect_double("%8.3f|", 4 * atan(one), "   3.142|");
	expect_double("%-8.2f|", exp(one), "2.72    |");
	expect_double("%+.1f", two, "+2.0");
	expect_double("%08.2f", -exp(one), "-0002.72");
	expect_double("%e", 12345.678 * one, "1.234568e+04");
	expect_double("%.3e", one / (ten * ten * ten * ten * ten), "1.000e-05");
	expect_double("%g", one / (ten * ten * ten * ten), "0.0001");
	expect_double("%g", one / (ten * ten * ten * ten * ten), "1e-05");
	expect_double("%g", 123456789 * one, "1.23457e+08");
	expect_double("%a", one, "0x1p+0");
	expect_double("%f", fabs(zero / zero), "nan");
	expect_double("%f", one / zero, "inf");
	expect_double("%F", -one / zero, "-INF");
	expect_double("%.0f", DBL_MAX * one,
		      "1797693134862315708145274237317043567980705675258449965989174768031572607800285"
		      "3876058955863276687817154045895351438246423432132688946418276846754670353751698"
		      "6049910576551282076245490090389328944075868508455133942304583236903222948165808"
		      "559332123348274797826204144723168738177180919299881250404026184124858368");
	expect_double("%.3f", DBL_MIN * one, "0.000");
	expect_long_double("%Lf", (long double)one + (long double)one / 3, "1.333333");
	expect_long_double("%.25Lf", (long double)one / 3, "0.3333333333333333333423684");

	printf("fmtfloat: pi %f e %.3f third %g\n", 4 * atan(one), exp(one), one / three);
	printf(failures ? "fmtfloat: %d failures\n" : "fmtfloat: ok\n", failures);
	return failures != 0;
}
