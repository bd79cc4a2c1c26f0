/*===- quantc_amx.c - the OS's permission for AMX tiles -------------------===*
 *
 * Part of quantc. Linux hands a process the AMX tile data state (8 KiB of
 * registers it must save on context switches) only on request; the first
 * tile instruction of a process that did not ask faults. Kernels built
 * for x86_64-amx call quantc_amx_enable() on entry.
 *
 *===----------------------------------------------------------------------===*/

#define _GNU_SOURCE
#include "quantc_runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

enum { kArchReqXcompPerm = 0x1023, kXfeatureXtiledata = 18 };

void quantc_amx_enable(void) {
  static _Atomic int granted;
  if (granted)
    return;
  const char *reason = "AMX needs Linux on x86-64";
#if defined(__linux__) && defined(__x86_64__)
  if (syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) == 0) {
    granted = 1;
    return;
  }
  reason = strerror(errno);
#endif
  fprintf(stderr,
          "quantc: this code runs on AMX tiles (target x86_64-amx), and the "
          "OS did not grant the tile state (arch_prctl ARCH_REQ_XCOMP_PERM: "
          "%s); compile for x86_64-avx512vnni on CPUs without AMX\n",
          reason);
  exit(1);
}
