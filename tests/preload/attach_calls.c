/* attach_calls.c - a healthy server-like process whose threads block in
 * the calls Linux ends with EINTR after a stop, even with no signal
 * handler (signal(7)): epoll_wait, sigtimedwait, recv on a socket with
 * SO_RCVTIMEO, semtimedop, each in a loop of 200 ms timeouts, counting
 * EINTR (natively: never). Main waits for a line on stdin, stops them and
 * prints the counts; status 3 when any call saw EINTR. `lockwatch attach
 * PID` meanwhile must leave them as they were (test_attach.sh). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/sem.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile int stop;
static int eintr[4];
static const struct timespec tick = { 0, 200 * 1000 * 1000 };

static void *in_epoll(void *arg)
{
	int e = epoll_create1(0);
	struct epoll_event ev;
	while (!stop)
		if (epoll_wait(e, &ev, 1, 200) < 0 && errno == EINTR)
			eintr[0]++;
	close(e);
	return arg;
}

static void *in_sigwait(void *arg)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	while (!stop)
		if (sigtimedwait(&s, NULL, &tick) < 0 && errno == EINTR)
			eintr[1]++;
	return arg;
}

static void *in_recv(void *arg)
{
	int sv[2];
	char b;
	struct timeval tv = { 0, 200 * 1000 };
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return arg;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (!stop)
		if (recv(sv[0], &b, 1, 0) < 0 && errno == EINTR)
			eintr[2]++;
	close(sv[0]);
	close(sv[1]);
	return arg;
}

static void *in_semop(void *arg)
{
	int id = semget(IPC_PRIVATE, 1, 0600);
	struct sembuf op = { 0, -1, 0 };
	if (id < 0)
		return arg;
	while (!stop)
		if (semtimedop(id, &op, 1, &tick) < 0 && errno == EINTR)
			eintr[3]++;
	semctl(id, 0, IPC_RMID);
	return arg;
}

int main(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, NULL);
	void *(*const body[4])(void *) = { in_epoll, in_sigwait, in_recv, in_semop };
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, body[i], NULL);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		line[0] = 0;
	stop = 1;
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	printf("EINTR: epoll_wait %d, sigtimedwait %d, recv %d, semtimedop %d\n", eintr[0],
	       eintr[1], eintr[2], eintr[3]);
	return eintr[0] + eintr[1] + eintr[2] + eintr[3] ? 3 : 0;
}
