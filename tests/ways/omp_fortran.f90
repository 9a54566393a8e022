! omp_fortran.f90 - Fortran's OpenMP locks (omp_set_lock_, ..., the
! Fortran entry points, which call libgomp's C ones inside, unseen) and a
! named critical section, taken in both orders by two threads in turn
! (a barrier between: never a real deadlock, but it can be). One
! lock_order_cycle error naming both (before: none, status 0; a
! helper's finding: a real deadlock there waited for --timeout). The
! preload way only: the header and the wrapper API are C's.
module locks
  use omp_lib
  implicit none
  integer(omp_lock_kind) :: gate
end module locks

subroutine post(n)
  use locks
  integer :: n
  call omp_set_lock(gate)
  !$omp critical (audit)
  n = n + 1
  !$omp end critical (audit)
  call omp_unset_lock(gate)
end subroutine post

subroutine review(n)
  use locks
  integer :: n
  !$omp critical (audit)
  call omp_set_lock(gate)
  n = n + 1
  call omp_unset_lock(gate)
  !$omp end critical (audit)
end subroutine review

program omp_fortran
  use locks
  implicit none
  integer :: n, tries
  n = 0
  tries = 0
  call omp_init_lock(gate)
  !$omp parallel num_threads(2) reduction(+:tries)
  if (omp_get_thread_num() == 0) call post(n)
  !$omp barrier
  if (omp_get_thread_num() == 1) call review(n)
  !$omp barrier
  if (omp_test_lock(gate)) then
    tries = tries + 1
    call omp_unset_lock(gate)
  end if
  !$omp end parallel
  call omp_destroy_lock(gate)
  print '(a,i0,a,l1)', 'entries ', n, ' tried ', tries > 0
end program omp_fortran
