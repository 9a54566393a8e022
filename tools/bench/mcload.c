/* mcload.c - a bounded, checked load for memcached (tools/bench/servers.sh,
 * issue 12). THREADS client threads each open one TCP connection to
 * 127.0.0.1:PORT and make PAIRS set/get pairs over the text protocol, one
 * request at a time, on keys of their own (KEYS per thread, cycled, so the
 * server's item and bucket locks are spread over THREADS * KEYS items).
 * Every answer is checked: a set must answer STORED, a get must return the
 * value just stored (it names the thread, the key and the round). With
 * `gets`, each key is set once (its first round) and then only read, each
 * get checked against that value: memcached's item locks are then taken
 * from its read path only. Prints "ops_per_s R" (a set and a get are two
 * ops) and exits 0, or names the first wrong answer and exits 1. Every
 * socket has a 10 s timeout, so a dead server ends the run instead of
 * hanging it.
 * usage: mcload PORT THREADS PAIRS [KEYS [gets]] */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct client {
	int id;
	int fd;
	char buf[4096];
	size_t have;	/* bytes in buf not yet consumed */
	int failed;
	long ops;	/* requests answered */
};

static int port, pairs, keys, gets_only;
static pthread_barrier_t go;

static int connect_server(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { .tv_sec = 10 };
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads one whole answer, up to and including `end`, and compares it with
 * `expect`: returns its length, -1 on error or timeout, -2 when it differs. */
static long read_answer(struct client *c, const char *end, const char *expect)
{
	size_t en = strlen(end);
	char *at;

	while (!(at = memmem(c->buf, c->have, end, en))) {
		ssize_t r;
		if (c->have == sizeof c->buf)
			return -1;
		r = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
		if (r <= 0)
			return -1;
		c->have += (size_t)r;
	}
	size_t n = (size_t)(at - c->buf) + en;
	return n == strlen(expect) && memcmp(c->buf, expect, n) == 0 ? (long)n : -2;
}

static void consume(struct client *c, size_t n)
{
	memmove(c->buf, c->buf + n, c->have - n);
	c->have -= n;
}

static void fail(struct client *c, const char *what, long i)
{
	fprintf(stderr, "mcload: thread %d, pair %ld: %s (got \"%.*s\")\n", c->id,
		i, what, (int)(c->have < 60 ? c->have : 60), c->buf);
	c->failed = 1;
}

static void *run(void *arg)
{
	struct client *c = arg;
	char req[256], val[64], expect[256];

	pthread_barrier_wait(&go);
	for (long i = 0; i < pairs && !c->failed; i++) {
		long k = i % keys;
		int set = !gets_only || i < keys;
		int vn = snprintf(val, sizeof val, "v-%d-%ld-%ld", c->id, k, set ? i : k);
		int rn = snprintf(req, sizeof req, "set k:%d:%ld 0 0 %d\r\n%s\r\n",
				  c->id, k, vn, val);
		long got;

		if (!set)
			goto get;
		if (send_all(c->fd, req, (size_t)rn) != 0) {
			fail(c, "send set", i);
			break;
		}
		got = read_answer(c, "\r\n", "STORED\r\n");
		if (got < 0) {
			fail(c, got == -1 ? "no answer to set" : "set not STORED", i);
			break;
		}
		consume(c, (size_t)got);
		c->ops++;
	get:
		rn = snprintf(req, sizeof req, "get k:%d:%ld\r\n", c->id, k);
		if (send_all(c->fd, req, (size_t)rn) != 0) {
			fail(c, "send get", i);
			break;
		}
		snprintf(expect, sizeof expect, "VALUE k:%d:%ld 0 %d\r\n%s\r\nEND\r\n",
			 c->id, k, vn, val);
		got = read_answer(c, "END\r\n", expect);
		if (got < 0) {
			fail(c, got == -1 ? "no answer to get" : "get: wrong value", i);
			break;
		}
		consume(c, (size_t)got);
		c->ops++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads;
	struct client *cl;
	pthread_t *tid;
	struct timespec t0, t1;
	int failed = 0;
	long ops = 0;
	double s;

	if (argc < 4) {
		fprintf(stderr, "usage: mcload PORT THREADS PAIRS [KEYS [gets]]\n");
		return 2;
	}
	port = atoi(argv[1]);
	threads = atoi(argv[2]);
	pairs = atoi(argv[3]);
	keys = argc > 4 ? atoi(argv[4]) : 1000;
	gets_only = argc > 5 && strcmp(argv[5], "gets") == 0;
	if (threads < 1 || pairs < 1 || keys < 1) {
		fprintf(stderr, "mcload: THREADS, PAIRS and KEYS must be positive\n");
		return 2;
	}
	cl = calloc((size_t)threads, sizeof *cl);
	tid = calloc((size_t)threads, sizeof *tid);
	if (!cl || !tid)
		return 2;
	for (int i = 0; i < threads; i++) {
		cl[i].id = i;
		cl[i].fd = connect_server();
		if (cl[i].fd < 0) {
			fprintf(stderr, "mcload: cannot connect to 127.0.0.1:%d\n", port);
			return 1;
		}
	}
	pthread_barrier_init(&go, NULL, (unsigned)threads + 1);
	for (int i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, run, &cl[i]);
	pthread_barrier_wait(&go);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (int i = 0; i < threads; i++) {
		failed |= cl[i].failed;
		ops += cl[i].ops;
		close(cl[i].fd);
	}
	if (failed)
		return 1;
	s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("ops_per_s %.0f\n", (double)ops / s);
	return 0;
}
