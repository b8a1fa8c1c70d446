/*
 * test_hostile - a process doing everything a user process should not:
 * every pointer argument of every syscall aimed at page 0, the trampoline,
 * the kernel's link address and the direct map; ranges that wrap; unknown
 * syscall numbers; faults, privileged instructions and `int N` in forked
 * children (each must die by the exact vector); TF, NT, AC and IOPL in
 * EFLAGS across a syscall; a syscall with ESP at 0 or in unmapped memory;
 * null and RPL-0 data segment selectors; an LDT call gate built in user
 * memory; x87 state left behind for the next process. One function per
 * scenario, each a KTAP subtest (the fault cases and the `int N` sample
 * one each); exact return values, and sysinfo().frames_free unchanged
 * after each scenario.
 *
 * The order of checks inside the kernel decides some results (e.g. ipc_call
 * checks the reply buffer before the peer, ipc_send the peer before the
 * message): the expectations follow src/kernel/ipc/ipc.c, mem_syscalls.c, proc.c,
 * loader.c and docs/processes.md, docs/ipc.md, and say so where it matters.
 *
 * frames_free is global, so before it measures anything test_hostile waits
 * (asleep) until every process started before it has finished; it must come
 * after the other test modules in the GRUB menu (fuzz may follow it).
 * The scenarios live in src/user/hostile/ by concern (hostile.h lists
 * them); this file runs them in order. Helpers: src/user/hostile_asm.asm.
 */
#include "hostile/hostile.h"

static const struct scenario cases[] = {
    { write_bad_buffers, "write_bad_buffers_efault" },
    { write_wrapping_ranges, "write_wrapping_ranges_efault" },
    { read_bad_buffers, "read_bad_buffers_efault_without_blocking" },
    { sysinfo_bad_buffers, "sysinfo_bad_buffers_efault" },
    { spawn_bad_names, "spawn_bad_names_efault" },
    { spawn_bad_argv, "spawn_bad_argv_efault" },
    { wait_bad_status, "wait_bad_status_efault_before_reaping" },
    { ps_modules_bad_buffers, "ps_modules_bad_buffers_efault" },
    { ipc_send_bad_message, "ipc_send_bad_message_efault" },
    { ipc_recv_bad_buffers, "ipc_recv_bad_buffers_efault_message_stays_queued" },
    { ipc_call_bad_buffers, "ipc_call_bad_buffers_efault" },
    { ipc_reply_bad_buffers, "ipc_reply_bad_buffers_efault" },
    { map_unmap_hostile_ranges, "map_unmap_hostile_ranges_einval" },
    { brk_hostile_values, "brk_hostile_values" },
    { last_user_page_boundary, "copy_out_ending_at_user_top" },
    { shm_grant_hostile_ranges, "shm_grant_hostile_ranges_einval" },
    { shm_map_hostile_ranges, "shm_map_hostile_ranges_einval" },
    { unknown_numbers_preserve_registers, "unknown_syscall_numbers_enosys_registers_kept" },
    { eflags_nt_ac_preserved, "eflags_nt_ac_kept_across_syscall" },
    { sysenter_eflags_kept, "sysenter_eflags_and_registers_kept" },
    { eflags_iopl_stays_0, "eflags_iopl_cannot_be_raised" },
    { eflags_tf_across_syscall, "eflags_tf_across_syscall_db_after_return" },
    { sysenter_tf_ring_trip_stays_in_its_process, "sysenter_tf_ring_trip_stays_in_its_process" },
    { poweroff_refused_to_ordinary_processes, "poweroff_refused_to_ordinary_processes" },
    { setfg_permissions, "setfg_only_self_or_child_and_not_from_the_background" },
    { syscall_with_hostile_esp, "syscall_with_hostile_esp" },
    { syscall_with_odd_selectors, "syscall_with_null_and_rpl0_selectors" },
    { ldt_call_gate_unusable, "ldt_call_gate_in_user_memory_gp" },
    { x87_state_not_shared, "x87_state_not_shared_between_processes" },
};
#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

int main(void)
{
    struct sysinfo si;
    if (sysinfo(&si) == 0)
        shared_mode = SYSINFO_ASPACE(si.features) == 2;
    wait_for_turn();
    if (map(P(SCRATCH), 1, RW) != 0) {
        printf("    # test_hostile: cannot map the scratch page\n");
        return 100;
    }
    ktap_plan(NCASES + fault_results());
    for (int i = 0; i < NCASES; i++)
        run_scenario(cases[i].name, cases[i].fn);
    run_faults();
    unmap(P(SCRATCH), 1);
    return ktap_failures();
}
