// SPDX-License-Identifier: CDDL-1.0
/*
 * abi_probe: a module under a licence other than the GPL, like OpenZFS's,
 * that uses the whole ID-mapping API. If it builds (modpost refuses a
 * non-GPL module that references a GPL-only symbol such as init_user_ns)
 * and loads, the API is usable by such modules. Reading
 * /proc/userns_abi_probe prints what every function answers for a fixed
 * set of ids in the reader's user namespace, one "function id answer"
 * line each, for the suite to compare (userspace-tests/abi_module_test.cc).
 *
 * Licensed CDDL on purpose: it stands in for such modules. It is test
 * code of this project and is never linked into the kernel.
 */
#include <linux/cred.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/projid.h>
#include <linux/seq_file.h>
#include <linux/uidgid.h>

static const u32 abi_probe_ids[] = {
	0, 5, 999, 1000, 100005, 200005, 300005, 4294967294U, 4294967295U
};

static int abi_probe_show(struct seq_file *m, void *v)
{
	/* Not current_user_ns(): with USER_NS=n that names init_user_ns. */
	struct user_namespace *ns = current_cred()->user_ns;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(abi_probe_ids); i++) {
		u32 id = abi_probe_ids[i];

		seq_printf(m, "make_kuid %u %u\n", id, __kuid_val(make_kuid(ns, id)));
		seq_printf(m, "make_kgid %u %u\n", id, __kgid_val(make_kgid(ns, id)));
		seq_printf(m, "make_kprojid %u %u\n", id, __kprojid_val(make_kprojid(ns, id)));
		seq_printf(m, "from_kuid %u %u\n", id, from_kuid(ns, KUIDT_INIT(id)));
		seq_printf(m, "from_kgid %u %u\n", id, from_kgid(ns, KGIDT_INIT(id)));
		seq_printf(m, "from_kprojid %u %u\n", id, from_kprojid(ns, KPROJIDT_INIT(id)));
		seq_printf(m, "from_kuid_munged %u %u\n", id, from_kuid_munged(ns, KUIDT_INIT(id)));
		seq_printf(m, "from_kgid_munged %u %u\n", id, from_kgid_munged(ns, KGIDT_INIT(id)));
		seq_printf(m, "from_kprojid_munged %u %u\n", id,
			   from_kprojid_munged(ns, KPROJIDT_INIT(id)));
		seq_printf(m, "kuid_has_mapping %u %d\n", id, kuid_has_mapping(ns, KUIDT_INIT(id)));
		seq_printf(m, "kgid_has_mapping %u %d\n", id, kgid_has_mapping(ns, KGIDT_INIT(id)));
	}
	return 0;
}

static int abi_probe_open(struct inode *inode, struct file *file)
{
	return single_open(file, abi_probe_show, NULL);
}

static const struct proc_ops abi_probe_ops = {
	.proc_open = abi_probe_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static struct proc_dir_entry *abi_probe_entry;

static int __init abi_probe_init(void)
{
	abi_probe_entry = proc_create("userns_abi_probe", 0444, NULL, &abi_probe_ops);
	return abi_probe_entry ? 0 : -ENOMEM;
}

static void __exit abi_probe_exit(void)
{
	proc_remove(abi_probe_entry);
}

module_init(abi_probe_init);
module_exit(abi_probe_exit);
MODULE_DESCRIPTION("The ID-mapping API from a module that is not GPL");
MODULE_LICENSE("CDDL");
