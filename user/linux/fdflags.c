/*
 * fdflags: descriptor and file status flags, as a Linux program sees them.
 * Close-on-exec set by open, pipe2, dup3 and fcntl is kept per descriptor
 * (dup's copy is not close-on-exec), and execve closes exactly those; F_GETFL
 * reports the access mode and O_NONBLOCK, which F_SETFL changes for every
 * descriptor of the file; a non-blocking pipe says EAGAIN instead of waiting
 * to read or write; FIONBIO, FIOCLEX and FIONCLEX work on any descriptor; dup3
 * and fcntl refuse what Linux refuses.
 *
 * fdflags               run the checks (execs itself once)
 * fdflags after-exec A B  (after execve) fd A must be closed and fd B open
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
static const char *program;	/* argv[0], to execute again */

static void check(int ok, const char *what)
{
	if (!ok) {
		printf("fdflags: FAIL %s (errno %d)\n", what, errno);
		failures++;
	}
}

static int is_cloexec(int fd)
{
	return fcntl(fd, F_GETFD) == FD_CLOEXEC;
}

static void close_on_exec_flags(void)
{
	int fds[2], plain[2];

	check(pipe2(fds, O_CLOEXEC) == 0, "pipe2(O_CLOEXEC)");
	check(is_cloexec(fds[0]) && is_cloexec(fds[1]), "pipe2's descriptors are close-on-exec");
	check(pipe(plain) == 0, "pipe");
	check(fcntl(plain[0], F_GETFD) == 0, "pipe's are not");
	int d = dup(fds[0]);
	check(d >= 0 && fcntl(d, F_GETFD) == 0, "dup's copy is not close-on-exec");
	check(fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && is_cloexec(d), "F_SETFD sets it");
	check(fcntl(d, F_SETFD, 0) == 0 && fcntl(d, F_GETFD) == 0, "and clears it");
	check(dup3(plain[0], d, O_CLOEXEC) == d && is_cloexec(d), "dup3(O_CLOEXEC)");
	check(dup2(plain[0], d) == d && fcntl(d, F_GETFD) == 0, "dup2 clears it");
	/* The system call itself: musl's dup3 turns some of these into dup2. */
	check(syscall(SYS_dup3, d, d, 0) == -1 && errno == EINVAL, "dup3 onto itself is EINVAL");
	check(syscall(SYS_dup3, plain[0], d, O_NONBLOCK) == -1 && errno == EINVAL,
	      "dup3 with other flags");
	int high = fcntl(plain[0], F_DUPFD_CLOEXEC, 20);
	check(high >= 20 && is_cloexec(high), "F_DUPFD_CLOEXEC from 20");
	check(fcntl(plain[0], F_DUPFD, -1) == -1 && errno == EINVAL, "F_DUPFD below 0");
	check(fcntl(99999, F_GETFD) == -1 && errno == EBADF, "F_GETFD of a closed descriptor");
	int file = open("/dev/null", O_RDONLY | O_CLOEXEC);
	check(file >= 0 && is_cloexec(file), "open(O_CLOEXEC)");
	close(d);
	close(high);
	close(file);
	close(fds[0]);
	close(plain[1]);
	/* Left open for the exec: fds[1] (close-on-exec) and plain[0] (not). */
	char a[16], b[16];
	snprintf(a, sizeof(a), "%d", fds[1]);
	snprintf(b, sizeof(b), "%d", plain[0]);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { "fdflags", "after-exec", a, b, NULL };
		execvp(program, args);
		_exit(127);
	}
	int status = -1;
	check(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "after execve, the close-on-exec descriptor is closed and the other open");
	close(fds[1]);
	close(plain[0]);
}

static void status_flags(void)
{
	int fds[2];
	char buf[64];

	check(pipe(fds) == 0, "pipe");
	check((fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY, "F_GETFL of a read end");
	check((fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY, "F_GETFL of a write end");
	check(fcntl(fds[0], F_SETFL, O_NONBLOCK) == 0, "F_SETFL O_NONBLOCK");
	int d = dup(fds[0]);
	check(fcntl(d, F_GETFL) & O_NONBLOCK, "a dup shares the status flags");
	check(read(fds[0], buf, sizeof(buf)) == -1 && errno == EAGAIN,
	      "a non-blocking read of an empty pipe is EAGAIN");
	check(write(fds[1], "x", 1) == 1 && read(d, buf, sizeof(buf)) == 1, "and reads what is there");
	check(fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0, "O_NONBLOCK on the write end");
	long total = 0, r;
	while ((r = write(fds[1], buf, sizeof(buf))) > 0)
		total += r;
	check(r == -1 && errno == EAGAIN && total > 0, "a non-blocking write to a full pipe is EAGAIN");
	while (read(fds[0], buf, sizeof(buf)) > 0)
		total -= sizeof(buf);
	check(total <= 0, "what was written can be read back");
	check(fcntl(fds[0], F_SETFL, 0) == 0 && !(fcntl(d, F_GETFL) & O_NONBLOCK), "F_SETFL clears it");
	check(fcntl(fds[0], 12345) == -1 && errno == EINVAL, "an unknown fcntl command");
	int on = 1, off = 0;
	check(ioctl(fds[0], FIONBIO, &on) == 0 && (fcntl(d, F_GETFL) & O_NONBLOCK), "FIONBIO on");
	check(ioctl(fds[0], FIONBIO, &off) == 0 && !(fcntl(d, F_GETFL) & O_NONBLOCK), "FIONBIO off");
	check(ioctl(d, FIOCLEX) == 0 && is_cloexec(d), "FIOCLEX");
	check(ioctl(d, FIONCLEX) == 0 && !is_cloexec(d), "FIONCLEX");
	close(d);
	close(fds[0]);
	close(fds[1]);

	check(pipe2(fds, O_NONBLOCK) == 0 && (fcntl(fds[0], F_GETFL) & O_NONBLOCK) &&
	      (fcntl(fds[1], F_GETFL) & O_NONBLOCK), "pipe2(O_NONBLOCK)");
	close(fds[0]);
	close(fds[1]);
}

int main(int argc, char **argv)
{
	program = argv[0];
	if (argc == 4 && strcmp(argv[1], "after-exec") == 0) {
		int gone = atoi(argv[2]), kept = atoi(argv[3]);
		errno = 0;
		check(fcntl(gone, F_GETFD) == -1 && errno == EBADF, "the close-on-exec fd is closed");
		check(fcntl(kept, F_GETFD) == 0, "the other fd is open");
		return failures != 0;
	}
	close_on_exec_flags();
	status_flags();
	printf("fdflags: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
