/* dlclose_loop.c - libraries loaded and unloaded 50 times while locks are
 * taken: the preload library interposes dlclose to flush the unwinder's
 * cached rules, and must return what dlclose returned. Prints "ok". */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
int main(void){
  for (int i = 0; i < 50; i++) {
    void *h = dlopen(i % 2 ? "libz.so.1" : "liblzma.so.5", RTLD_NOW);
    if (!h) { printf("dlopen failed\n"); return 1; }
    pthread_mutex_lock(&a); pthread_mutex_lock(&b); pthread_mutex_unlock(&b); pthread_mutex_unlock(&a);
    if (dlclose(h) != 0) { printf("dlclose failed\n"); return 1; }
  }
  puts("ok"); return 0; }
