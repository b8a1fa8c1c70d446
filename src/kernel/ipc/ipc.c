/*
 * ipc.c - synchronous IPC in the L4 manner: no kernel buffering. A message
 * moves only when both sides are present, directly from the sender's pages
 * to the receiver's: the kernel walks both page directories and copies
 * through the direct map (copy_user_to_user), at most IPC_MAX_MSG bytes, with
 * no staging buffer at all.
 *
 * Whoever arrives second completes the transfer and wakes the other:
 *   send: receiver already in ipc_recv for us (or for ANY) -> copy, wake it;
 *         else block in IPC_SENDING until a receiver takes the message.
 *   recv: a sender already blocked on us -> copy, wake it (or, for ipc_call,
 *         move it to IPC_AWAIT_REPLY); else block in IPC_RECEIVING.
 *   call: send, then block in IPC_AWAIT_REPLY until the server's ipc_reply.
 * Both buffers are checked before anything moves, so a bad buffer gets
 * -EFAULT with nothing delivered. docs/ipc.md has the sequence diagrams.
 */
#include "defs.h"
#include "proc/proc.h"
#include "mm/uaccess.h"
#include "uapi/errno.h"

#define EINTR_INTERNAL (-4) /* woken by kill(): the caller exits on its way out */

/* Block until someone completes our operation; returns its result. */
static long block(void)
{
    while (current->ipc.wait != IPC_IDLE) {
        proc_sleep(&current->ipc);
        if (current->killed) {
            current->ipc.wait = IPC_IDLE;
            return EINTR_INTERNAL;
        }
    }
    return current->ipc.result;
}

static void complete(struct proc *p, long result)
{
    p->ipc.result = result;
    p->ipc.wait = IPC_IDLE;
    proc_wakeup(&p->ipc);
}

/* The target of a send/call/recv: alive, and not ourselves. */
static long find_peer(int pid, struct proc **out)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    if (p == current)
        return -EDEADLK;
    *out = p;
    return 0;
}

/* Copy @len bytes of @from's message into @to's receive buffer and tell
 * @to who sent it. Both ranges were checked when the two calls started, and
 * neither process can have changed its mappings since: both are blocked. */
static long deliver(struct proc *from, uaddr_t msg, uint32_t len, struct proc *to)
{
    long r = copy_user_to_user(from->pd, msg, to->pd, to->ipc.buf, len);
    if (r == 0 && to->ipc.sender_out)
        r = copy_to_user(to->pd, to->ipc.sender_out, &from->pid, sizeof(int));
    return r;
}

/* A process blocked sending to us (from @src, unless IPC_ANY): the one in
 * the lowest table slot. */
static struct proc *find_sender(int src)
{
    for (uint32_t i = 0; i < NPROC; i++) {
        struct proc *s = proc_slot(i);
        if (s->state == P_SLEEPING && s->ipc.wait == IPC_SENDING && s->ipc.peer == current->pid &&
            (src == IPC_ANY || s->pid == src))
            return s;
    }
    return NULL;
}

static bool receiving_from(const struct proc *r, const struct proc *s)
{
    return r->ipc.wait == IPC_RECEIVING && (r->ipc.peer == IPC_ANY || r->ipc.peer == s->pid);
}

/* The first half of send and call: deliver now, or block as a sender.
 * Returns 0 once the receiver has the message, with *@blocked = false; or,
 * if we had to block, *@blocked = true and the result of the whole
 * operation (for a call, the receiver moves us on to AWAIT_REPLY and its
 * reply ends the wait, so that result is the reply's). */
static long send_message(int dest, uaddr_t msg, uint32_t len, bool is_call, bool *blocked)
{
    *blocked = false;
    struct proc *d;
    long r = find_peer(dest, &d);
    if (r < 0)
        return r;
    if (len > IPC_MAX_MSG)
        return -EMSGSIZE;
    if (user_range_ok(current->pd, msg, len, false) < 0)
        return -EFAULT;
    if (receiving_from(d, current)) {
        if (len > d->ipc.len)
            return -EMSGSIZE;
        r = deliver(current, msg, len, d);
        complete(d, r < 0 ? r : (long)len);
        return r;
    }
    current->ipc.wait = IPC_SENDING;
    current->ipc.peer = dest;
    current->ipc.buf = msg;
    current->ipc.len = len;
    current->ipc.is_call = is_call;
    *blocked = true;
    return block();
}

long sys_ipc_send(int dest, uaddr_t msg, uint32_t len)
{
    bool blocked;
    return send_message(dest, msg, len, false, &blocked);
}

long sys_ipc_call(int dest, uaddr_t msg, uint32_t len, uaddr_t reply, uint32_t max)
{
    if (max > IPC_MAX_MSG)
        max = IPC_MAX_MSG;
    if (user_range_ok(current->pd, reply, max, true) < 0)
        return -EFAULT;
    current->ipc.reply_buf = reply;
    current->ipc.reply_max = max;
    bool blocked;
    long r = send_message(dest, msg, len, true, &blocked);
    if (r < 0 || blocked)
        return r; /* an error, or the reply (we waited for it as a blocked sender) */
    current->ipc.wait = IPC_AWAIT_REPLY;
    current->ipc.peer = dest;
    return block();
}

long sys_ipc_recv(int src, uaddr_t buf, uint32_t max, uaddr_t sender_out)
{
    if (max > IPC_MAX_MSG)
        max = IPC_MAX_MSG;
    if (src != IPC_ANY) {
        struct proc *s;
        long r = find_peer(src, &s);
        if (r < 0)
            return r;
    }
    if (user_range_ok(current->pd, buf, max, true) < 0 ||
        (sender_out && user_range_ok(current->pd, sender_out, sizeof(int), true) < 0))
        return -EFAULT;
    current->ipc.buf = buf;
    current->ipc.len = max;
    current->ipc.sender_out = sender_out;

    struct proc *s;
    while ((s = find_sender(src)) != NULL) {
        if (s->ipc.len > max) {
            complete(s, -EMSGSIZE); /* the sender's fault: it fails, we keep looking */
            continue;
        }
        long r = deliver(s, s->ipc.buf, s->ipc.len, current);
        if (r < 0)
            return r;
        long len = s->ipc.len;
        if (s->ipc.is_call) {
            s->ipc.wait = IPC_AWAIT_REPLY; /* stays asleep until our reply */
            s->ipc.peer = current->pid;
        } else {
            complete(s, 0);
        }
        return len;
    }
    current->ipc.wait = IPC_RECEIVING;
    current->ipc.peer = src;
    return block();
}

long sys_ipc_reply(int dest, uaddr_t msg, uint32_t len)
{
    struct proc *d;
    long r = find_peer(dest, &d);
    if (r < 0)
        return r;
    if (d->ipc.wait != IPC_AWAIT_REPLY || d->ipc.peer != current->pid)
        return -ESRCH;
    if (len > IPC_MAX_MSG || len > d->ipc.reply_max)
        return -EMSGSIZE;
    if (user_range_ok(current->pd, msg, len, false) < 0)
        return -EFAULT;
    r = copy_user_to_user(current->pd, msg, d->pd, d->ipc.reply_buf, len);
    complete(d, r < 0 ? r : (long)len);
    return r;
}

void ipc_exit(struct proc *p)
{
    for (uint32_t i = 0; i < NPROC; i++) {
        struct proc *q = proc_slot(i);
        if (q->state == P_SLEEPING && q->ipc.wait != IPC_IDLE && q->ipc.peer == p->pid)
            complete(q, -ESRCH); /* its partner is gone */
    }
    p->ipc.wait = IPC_IDLE;
}
