/* stderr_reused.c - a daemon's descriptors: the program closes its
 * standard error and the number 2 is taken by what it opens next, first
 * a data file it reads back (a database's), then one end of a socket pair
 * (a client connection, as accept() gives a daemon that closed 0-2). A
 * lock-order cycle is found while each is at 2: lockwatch must not write
 * its report into them. Before, the report went to descriptor 2
 * whatever it had become: the data file came back longer than written,
 * and the peer received report text. Two lock_order_cycle errors (the
 * run's JSON has them; the exit status says so); the output is the
 * program's. */
#include "two_orders.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static pthread_mutex_t ledger = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((noinline)) static void *post(void *arg)
{
	pthread_mutex_lock(&ledger);
	pthread_mutex_lock(&index_lock);
	pthread_mutex_unlock(&index_lock);
	pthread_mutex_unlock(&ledger);
	return arg;
}

__attribute__((noinline)) static void *reindex(void *arg)
{
	pthread_mutex_lock(&index_lock);
	pthread_mutex_lock(&ledger);
	pthread_mutex_unlock(&ledger);
	pthread_mutex_unlock(&index_lock);
	return arg;
}

int main(void)
{
	static const char record[] = "record 1: 42 units\n";
	char path[] = "/tmp/ways_stderr_reused_XXXXXX";
	close(2);
	int data = mkstemp(path);
	if (data != 2) {
		printf("the data file took descriptor %d, not 2\n", data);
		return 1;
	}
	unlink(path);
	if (write(data, record, sizeof(record) - 1) != (ssize_t)sizeof(record) - 1)
		return 1;
	if (two_orders() != 0)
		return 1;
	char back[4096];
	ssize_t n = pread(data, back, sizeof(back), 0);
	int intact = n == (ssize_t)sizeof(record) - 1 && memcmp(back, record, (size_t)n) == 0;
	printf("data file: %zd bytes read back, %s\n", n, intact ? "as written" : "NOT as written");
	close(data);

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 || sv[0] != 2) {
		printf("the connection took descriptor %d, not 2\n", sv[0]);
		return 1;
	}
	pthread_t t;
	if (pthread_create(&t, NULL, post, NULL) || pthread_join(t, NULL) ||
	    pthread_create(&t, NULL, reindex, NULL) || pthread_join(t, NULL))
		return 1;
	n = recv(sv[1], back, sizeof(back), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		printf("connection: nothing received\n");
	else
		printf("connection: %zd bytes received, not sent by the program\n", n);
	printf("balance %ld\n", balance);
	return intact ? 0 : 1;
}
