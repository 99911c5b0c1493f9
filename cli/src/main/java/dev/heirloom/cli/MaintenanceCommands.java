package dev.heirloom.cli;

import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The commands that look after what the targets hold: verify, repair, forget, prune, unlock. */
final class MaintenanceCommands {
    private MaintenanceCommands() {
    }

    @Command(name = "verify", description = "Check that every object the snapshots name is on each target (present), "
            + "that the target's own checksums match those recorded at backup without downloading (checksum), "
            + "or that it is still intact (content: read back and re-hashed; --sample P reads a rotating P%% per run).")
    static final class Verify extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target (default: all)")
        String target;

        @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "present", description = "present, checksum or content (default present)")
        String level;

        @Option(names = "--sample", paramLabel = "PERCENT", defaultValue = "100",
                description = "content level: read this share of the objects per run, rotating (default 100)")
        int sample;

        @Option(names = "--repair", description = "copy every missing or damaged object back from the source or another target")
        boolean repair;

        @Override
        public Integer call() {
            dev.heirloom.verify.VerifyLevel parsed = dev.heirloom.verify.VerifyLevel.parse(level);
            try (Heirloom h = open()) {
                java.util.List<Object> reports = new java.util.ArrayList<>();
                int code = HeirloomCli.OK;
                for (TargetSpec t : chosen(h, target)) {
                    try {
                        if (repair) {
                            dev.heirloom.verify.RepairReport r = h.repair(t.name(), parsed);
                            reports.add(r);
                            if (!json) {
                                Output.repair(out(), r);
                            }
                            if (!r.healed()) {
                                code = HeirloomCli.FAILED;
                            }
                            continue;
                        }
                        dev.heirloom.verify.VerifyReport r;
                        try (OperationProgressBar bar = stderrIsTerminal() && !json && !quiet
                                ? new OperationProgressBar(System.err, "verify " + t.name()) : null) {
                            r = h.verify(t.name(), parsed, sample, bar != null ? bar : dev.heirloom.progress.OperationProgress.NONE);
                        }
                        reports.add(r);
                        if (!json) {
                            Output.verify(out(), r);
                        }
                        if (!r.clean()) {
                            code = HeirloomCli.FAILED;
                        }
                    } catch (StorageException e) {
                        if (e instanceof InvalidConfigException) {
                            throw e;
                        }
                        spec.commandLine().getErr().println("heirloom: " + t.name() + ": " + e.getMessage());
                        reports.add(java.util.Map.of("target", t.name(), "error", e.getMessage()));
                        code = HeirloomCli.FAILED;
                    }
                }
                if (json) {
                    Output.json(out(), name(), reports);
                }
                return code;
            }
        }
    }

    @Command(name = "repair", description = "Verify targets and copy every missing or damaged object back from the "
            + "source folder or from another target that holds it intact (same as verify --repair).")
    static final class Repair extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target (default: all)")
        String target;

        @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "content",
                description = "how to find damage: present, checksum or content (default content)")
        String level;

        @Override
        public Integer call() {
            Verify verify = new Verify();
            verify.config = configFile();
            verify.json = json;
            verify.spec = spec;
            verify.target = target;
            verify.level = level;
            verify.sample = 100;
            verify.repair = true;
            return verify.call();
        }
    }

    @Command(name = "forget", description = "Apply each target's retention policy: list which snapshots each rule keeps "
            + "and why, and delete the others' snapshot files (photos stay in the kept snapshots; space is freed by prune).")
    static final class Forget extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target (default: all with a policy)")
        String target;

        @Option(names = "--dry-run", description = "only show what would be forgotten")
        boolean dryRun;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                java.util.List<dev.heirloom.retention.ForgetReport> reports = new java.util.ArrayList<>();
                for (TargetSpec t : chosen(h, target)) {
                    if (target != null || h.hasRetention(t.name())) {
                        reports.add(h.forget(t.name(), dryRun));
                    }
                }
                if (reports.isEmpty()) {
                    throw new InvalidConfigException("no target has a retention policy; add retention: { daily: 7, monthly: 12, ... }");
                }
                if (json) {
                    Output.json(out(), name(), reports);
                } else {
                    reports.forEach(r -> Output.forget(out(), r));
                }
                return HeirloomCli.OK;
            }
        }
    }

    @Command(name = "extend-locks", description = "Keep immutable targets' files locked while the kept snapshots need "
            + "them: locks that run out within half the period (immutableDays) are set a whole period from now. "
            + "Schedule it (schedule.extendLocks) at least every half period.")
    static final class ExtendLocks extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target (default: all with immutableDays)")
        String target;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                java.util.List<dev.heirloom.immutability.LockExtensionReport> reports = new java.util.ArrayList<>();
                for (TargetSpec t : chosen(h, target)) {
                    if (target != null || h.immutability(t.name()).wanted()) {
                        reports.add(h.extendLocks(t.name()));
                    }
                }
                if (reports.isEmpty()) {
                    throw new InvalidConfigException("no target has immutableDays; add immutableDays: 30 to a target whose "
                            + "store can lock objects (a GCS bucket with object retention)");
                }
                if (json) {
                    Output.json(out(), name(), reports);
                } else {
                    reports.forEach(r -> out().println(r.summary()));
                }
                return reports.stream().allMatch(dev.heirloom.immutability.LockExtensionReport::complete)
                        ? HeirloomCli.OK : HeirloomCli.FAILED;
            }
        }
    }

    @Command(name = "unlock", description = "Remove stale repository locks (left by a crashed or killed run); "
            + "live locks are never touched.")
    static final class Unlock extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target (default: all)")
        String target;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                java.util.Map<String, Object> removed = new java.util.LinkedHashMap<>();
                for (TargetSpec t : chosen(h, target)) {
                    var gone = h.unlock(t.name());
                    removed.put(t.name(), gone.stream().map(l -> l.info()).toList());
                    if (!json) {
                        out().printf(Locale.ROOT, "%s: removed %d stale lock(s)%n", t.name(), gone.size());
                        gone.forEach(l -> out().println("  " + l.info().operation() + " on " + l.info().host()
                                + " (pid " + l.info().pid() + ") since " + l.info().time()));
                    }
                }
                if (json) {
                    Output.jsonByTarget(out(), name(), removed, "removed");
                }
                return HeirloomCli.OK;
            }
        }
    }

    @Command(name = "prune", description = "Free the space of objects no snapshot needs: marks them, and deletes those "
            + "marked by an earlier prune at least the grace period ago that are still unneeded.")
    static final class Prune extends HeirloomCli.Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target (default: all)")
        String target;

        @Option(names = "--dry-run", description = "only show what would be deleted")
        boolean dryRun;

        @Option(names = "--grace-hours", paramLabel = "HOURS", defaultValue = "24",
                description = "how long an object stays marked before it may be deleted (default 24)")
        long graceHours;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                java.util.List<dev.heirloom.retention.PruneReport> reports = new java.util.ArrayList<>();
                for (TargetSpec t : chosen(h, target)) {
                    try (OperationProgressBar bar = stderrIsTerminal() && !json && !quiet
                            ? new OperationProgressBar(System.err, "prune " + t.name()) : null) {
                        reports.add(h.prune(t.name(), java.time.Duration.ofHours(graceHours), dryRun,
                                bar != null ? bar : dev.heirloom.progress.OperationProgress.NONE));
                    }
                }
                if (json) {
                    Output.json(out(), name(), reports);
                } else {
                    reports.forEach(r -> out().printf(Locale.ROOT, "%s: %s %d objects/trees, %s freed; %d marked for a later "
                            + "prune; %d still needed%s%s%n", r.target(), r.dryRun() ? "would delete" : "deleted", r.deleted(),
                            dev.heirloom.plan.Sizes.human(r.bytesFreed()), r.marked(), r.referenced(),
                            r.interruptedUploadBytes() > 0 ? "; " + dev.heirloom.plan.Sizes.human(r.interruptedUploadBytes())
                                    + " of uploads interrupted runs left removed" : "",
                            r.locked() == 0 ? "" : String.format(Locale.ROOT, "; %d unneeded (%s) are locked by the target and "
                                    + "stay until %s, when a prune frees them", r.locked(),
                                    dev.heirloom.plan.Sizes.human(r.lockedBytes()), r.lockedUntil().map(Object::toString).orElse("their lock runs out"))));
                }
                return HeirloomCli.OK;
            }
        }
    }
}
