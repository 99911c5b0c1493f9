package dev.heirloom.cli;

import dev.heirloom.BackupReport;
import dev.heirloom.Heirloom;
import dev.heirloom.StatusReport;
import dev.heirloom.TargetSpec;
import dev.heirloom.backup.ProgressListener;
import dev.heirloom.plan.CopyPlan;
import dev.heirloom.repository.RepositoryLock;
import dev.heirloom.repository.Snapshot;
import dev.heirloom.restore.RestoreOptions;
import dev.heirloom.restore.RestoreReport;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.spi.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * The {@code heirloom} command. Exit codes: 0 done and the policy is met; 3 done but the policy is
 * not met; 1 a failure (a target or a file failed); 2 bad usage or configuration.
 */
@Command(name = "heirloom", mixinStandardHelpOptions = true, version = "heirloom 0.1.0",
        description = "Keeps photos and videos under the 3-2-1 backup rule.",
        subcommands = {HeirloomCli.Backup.class, HeirloomCli.Plan.class, HeirloomCli.Status.class,
                HeirloomCli.Snapshots.class, HeirloomCli.Restore.class, MaintenanceCommands.Verify.class, MaintenanceCommands.Repair.class,
                MaintenanceCommands.Forget.class, MaintenanceCommands.Unlock.class, MaintenanceCommands.Prune.class,
                MaintenanceCommands.ExtendLocks.class,
                RunCommand.class, BrowseCommands.Ls.class,
                BrowseCommands.Find.class, BrowseCommands.Diff.class, BrowseCommands.Dump.class, BrowseCommands.Stats.class,
                InitCommand.class, ReportCommand.class, KeyCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done, and every file meets the policy (verify: every object is good)",
                "1:a target or a file failed (verify: an object is missing or damaged)",
                "2:bad usage or configuration", "3:done, but the policy is not met"})
public final class HeirloomCli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int POLICY_NOT_MET = 3;

    /** The configuration a command has open, for the stop hook (Ctrl-C, SIGTERM); null when none. */
    static volatile Heirloom current;

    /** Options every command shares. */
    static class Common {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "YAML configuration (default: $HEIRLOOM_CONFIG, else $XDG_CONFIG_HOME/heirloom/heirloom.yaml, "
                        + "else ~/.config/heirloom/heirloom.yaml)")
        Path config;

        /** The configuration file: -c, else $HEIRLOOM_CONFIG, else ~/.config/heirloom/heirloom.yaml. */
        Path configFile() {
            if (config != null) {
                return config;
            }
            String fromEnv = System.getenv("HEIRLOOM_CONFIG");
            if (fromEnv != null && !fromEnv.isBlank()) {
                return Path.of(fromEnv);
            }
            Path standard = standardConfigFile();
            if (!java.nio.file.Files.exists(standard)) {
                throw new InvalidConfigException("no configuration: give -c FILE, set HEIRLOOM_CONFIG, or create "
                        + standard);
            }
            return standard;
        }

        /**
         * Where a configuration lives when no -c or $HEIRLOOM_CONFIG names one, as Unix tools do:
         * $XDG_CONFIG_HOME, else $HOME/.config (the home a service's User= is given), then heirloom/heirloom.yaml.
         */
        static Path standardConfigFile() {
            String xdg = System.getenv("XDG_CONFIG_HOME");
            String home = System.getenv("HOME");
            Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                    : Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config");
            return base.resolve("heirloom").resolve("heirloom.yaml");
        }

        @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
        boolean help;

        @Option(names = "--json", description = "print the result as JSON")
        boolean json;

        @Option(names = {"-q", "--quiet"}, description = "no progress line, and backup and restore print their report "
                + "only when something needs a person (the exit code says the rest)")
        boolean quiet;

        @Option(names = {"-v", "--verbose"}, description = "log what each step does (-vv: and the details)")
        boolean[] verbose = new boolean[0];

        /** Whether progress may be drawn on stderr: the launcher says whether stderr is a terminal. */
        static boolean stderrIsTerminal() {
            String tty = System.getProperty("heirloom.stderr.tty");
            return tty != null ? Boolean.parseBoolean(tty) : System.console() != null;
        }

        @Option(names = "--limit-upload", paramLabel = "KIB", description = "send at most this many KiB/s to all "
                + "targets together (replaces the configured bandwidth.upload)")
        Integer limitUpload;

        @Option(names = "--limit-download", paramLabel = "KIB", description = "read at most this many KiB/s from all "
                + "targets together (replaces the configured bandwidth.download)")
        Integer limitDownload;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Heirloom open() {
            return open(b -> b);
        }

        /** Opens the configuration with a last change to its builder (a command-line option). */
        Heirloom open(java.util.function.UnaryOperator<Heirloom.Builder> adjust) {
            if (verbose.length > 0) {
                // before the first logger is made, which reads it once
                System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose.length > 1 ? "debug" : "info");
            }
            Heirloom.Builder b = adjust.apply(ConfigFile.load(configFile()));
            if (limitUpload != null || limitDownload != null) {
                if ((limitUpload != null && limitUpload < 1) || (limitDownload != null && limitDownload < 1)) {
                    throw new InvalidConfigException("--limit-upload and --limit-download take a number of KiB/s, at least 1");
                }
                dev.heirloom.storage.Bandwidth configured = b.runBandwidth();
                b.bandwidth(new dev.heirloom.storage.Bandwidth(limitUpload != null ? limitUpload : configured.uploadKiBps(),
                        limitDownload != null ? limitDownload : configured.downloadKiBps()));
            }
            Heirloom h = b.build();
            current = h;
            return h;
        }

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        /** The command's name, as its --json document gives it. */
        String name() {
            return spec.name();
        }

        /**
         * The targets a command works on: the one named by {@code --target}, or all of them.
         *
         * @throws InvalidConfigException when the name is not a configured target
         */
        static List<TargetSpec> chosen(Heirloom h, String name) {
            if (name == null) {
                return h.targets();
            }
            List<TargetSpec> one = h.targets().stream().filter(t -> t.name().equals(name)).toList();
            if (one.isEmpty()) {
                throw new InvalidConfigException("no target named '" + name + "'; configured: "
                        + h.targets().stream().map(TargetSpec::name).toList());
            }
            return one;
        }
    }

    @Command(name = "backup", description = "Back the source up to every target, then check the policy.")
    static final class Backup extends Common implements Callable<Integer> {
        @Option(names = "--no-progress", description = "no progress line, even on a terminal")
        boolean noProgress;

        @Option(names = "--rehash", description = "read every unchanged-looking file again to catch bit rot in the source")
        boolean rehash;

        @Option(names = "--allow-shrink", description = "write the snapshot even if the source is empty or lost more "
                + "files than maxShrinkPercent allows (default: refuse when more than half are gone)")
        boolean allowShrink;

        @Override
        public Integer call() {
            try (Heirloom h = open(b -> allowShrink ? b.maxShrinkPercent(100) : b)) {
                List<String> unreachable = h.whyPolicyUnreachable();
                if (!unreachable.isEmpty() && !json && !quiet) {
                    out().println("Warning: policy " + h.policy() + " can never be met by these targets:");
                    unreachable.forEach(r -> out().println("  - " + r));
                    out().println("Backing up anyway: a partial backup beats none.");
                }
                BackupReport report;
                if (stderrIsTerminal() && !noProgress && !json && !quiet) {
                    try (ProgressBar bar = new ProgressBar(System.err, h)) {
                        report = rehash ? h.backup(bar, 100) : h.backup(bar);
                    }
                } else {
                    report = rehash ? h.backup(ProgressListener.NONE, 100) : h.backup(ProgressListener.NONE);
                }
                boolean fine = report.succeeded() && report.compliance().compliant() && report.problemCount() == 0;
                if (json) {
                    Output.json(out(), name(), report);
                } else if (!quiet || !fine) {
                    Output.backup(out(), report);
                }
                if (!report.succeeded()) {
                    return FAILED;
                }
                return report.compliance().compliant() ? OK : POLICY_NOT_MET;
            }
        }
    }

    @Command(name = "plan", description = "Show what a backup would copy to each target (dry run: reads, writes nothing).")
    static final class Plan extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                CopyPlan plan = h.plan();
                if (json) {
                    Output.json(out(), name(), plan);
                } else {
                    out().print(plan.describe());
                }
                if (plan.targets().stream().anyMatch(t -> t.unavailable().isPresent())) {
                    return FAILED;
                }
                return plan.unreachable().isEmpty() ? OK : POLICY_NOT_MET;
            }
        }
    }

    @Command(name = "status", description = "Show each target's latest snapshot and which files are short of copies.")
    static final class Status extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                StatusReport status = h.status();
                if (json) {
                    Output.json(out(), name(), Output.statusJson(status));
                } else {
                    Output.status(out(), status);
                }
                if (status.targets().stream().anyMatch(t -> t.error().isPresent())) {
                    return FAILED;
                }
                return status.compliance().compliant() ? OK : POLICY_NOT_MET;
            }
        }
    }

    @Command(name = "snapshots", description = "List the snapshots on each target.")
    static final class Snapshots extends Common implements Callable<Integer> {
        @Option(names = {"-t", "--target"}, paramLabel = "NAME", description = "only this target")
        String target;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                java.util.Map<String, List<Snapshot>> all = new java.util.LinkedHashMap<>();
                int code = OK;
                for (TargetSpec t : chosen(h, target)) {
                    try {
                        all.put(t.name(), h.snapshots(t.name()));
                    } catch (StorageException e) {
                        if (e instanceof InvalidConfigException) {
                            throw e; // a wrong passphrase is the configuration's fault: exit 2
                        }
                        spec.commandLine().getErr().println("heirloom: " + t.name() + ": " + e.getMessage());
                        code = FAILED;
                    }
                }
                if (json) {
                    Output.jsonByTarget(out(), name(), all, "snapshots");
                } else {
                    all.forEach((name, list) -> {
                        out().printf(Locale.ROOT, "%s: %d snapshot(s)%n", name, list.size());
                        list.forEach(s -> out().println("  " + Output.snapshotLine(s) + "  " + s.source()));
                    });
                }
                return code;
            }
        }
    }

    @Command(name = "restore", description = "Restore a snapshot (or part of it) into a folder: from every reachable "
            + "target, each file from the first that gives it intact (onsite targets first), or only from --from.")
    static final class Restore extends Common implements Callable<Integer> {
        @Option(names = {"--from", "-t", "--target"}, paramLabel = "NAME", description = "restore from this target only "
                + "(--target is the old name)")
        String from;

        @Option(names = {"-s", "--snapshot"}, paramLabel = "ID", description = "'latest' or a snapshot id (prefix); default: latest")
        String snapshot;

        @Option(names = {"-p", "--path"}, paramLabel = "GLOB", description = "only files whose path matches, e.g. '2019/**'")
        String glob;

        @Option(names = "--to", required = true, paramLabel = "DIR", description = "folder to restore into")
        Path to;

        @Option(names = "--overwrite", description = "replace files that already exist")
        boolean overwrite;

        @Override
        public Integer call() {
            try (Heirloom h = open()) {
                if (from != null && h.targets().stream().noneMatch(t -> t.name().equals(from))
                        && (from.contains("/") || from.contains(java.io.File.separator) || java.nio.file.Files.isDirectory(Path.of(from)))) {
                    throw new InvalidConfigException("--from names the target to read (" + h.targets().stream()
                            .map(TargetSpec::name).toList() + "), not a folder; the folder to restore into is --to "
                            + from + " (restic's --target is heirloom's --to)");
                }
                RestoreOptions options = RestoreOptions.into(to).withGlob(glob).withOverwrite(overwrite);
                RestoreReport report;
                try (OperationProgressBar bar = stderrIsTerminal() && !json && !quiet
                        ? new OperationProgressBar(System.err, "restore") : null) {
                    dev.heirloom.progress.OperationProgress progress = bar != null ? bar : dev.heirloom.progress.OperationProgress.NONE;
                    report = from != null
                            ? h.restore(chosen(h, from).get(0).name(), Optional.ofNullable(snapshot), options, progress)
                            : h.restore(Optional.ofNullable(snapshot), options, progress);
                }
                if (json) {
                    Output.json(out(), name(), report);
                } else if (!quiet || !report.complete()) {
                    out().printf(Locale.ROOT, "Restored %d files (%s) from snapshot %s into %s; %d already there%n",
                            report.filesRestored(), dev.heirloom.plan.Sizes.human(report.bytesRestored()),
                            report.snapshotId(), to, report.skippedExisting());
                    if (from == null) {
                        out().println("  files from: " + String.join(", ", report.servedBy().entrySet().stream()
                                .map(e -> e.getKey() + " " + e.getValue()).toList()));
                    }
                    report.fallbacks().forEach(r -> out().println("  NOTE    " + r));
                    report.refused().forEach(r -> out().println("  REFUSED " + r));
                    report.failed().forEach(r -> out().println("  FAILED  " + r));
                }
                return report.complete() ? OK : FAILED;
            }
        }
    }

    private HeirloomCli() {
    }

    /** Builds the command line with Heirloom's error handling and exit codes. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(HeirloomCli.class);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            int code = ex instanceof InvalidConfigException || ex instanceof IllegalArgumentException ? USAGE : FAILED;
            String message = ex instanceof InvalidConfigException || ex instanceof IllegalArgumentException
                    || ex instanceof StorageException ? ex.getMessage() : "unexpected error: " + ex;
            err.println("heirloom: " + message);
            CommandLine.ParseResult sub = parseResult.subcommand();
            if (sub != null && sub.hasMatchedOption("--json")) {
                // a script reading --json gets the failure as a document too
                Output.jsonError(commandLine.getOut(), sub.commandSpec().name(), message, code);
            }
            return code;
        });
        return cl;
    }

    /**
     * On Ctrl-C or SIGTERM: asks the running operation to stop (a backup then writes no snapshot),
     * waits for it a little, and releases every repository lock the process still holds, so that
     * nothing is left to block the next prune. The JVM then exits with 130 or 143.
     */
    private static void stopping() {
        Heirloom h = current;
        if (h == null) {
            return;
        }
        try {
            if (!h.cancelAndWait(Duration.ofSeconds(10))) {
                System.err.println("heirloom: stopping; the operation did not end within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int released = RepositoryLock.releaseAllHeld();
        if (released > 0) {
            System.err.println("heirloom: stopped; released " + released + " repository lock(s)");
        }
    }

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(HeirloomCli::stopping, "heirloom-stop-hook"));
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        CommandLine cl = commandLine();
        int code = cl.execute(args);
        cl.getOut().flush();
        cl.getErr().flush();
        System.exit(code);
    }
}
