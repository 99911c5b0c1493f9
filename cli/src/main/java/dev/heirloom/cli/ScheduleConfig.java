package dev.heirloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heirloom.schedule.Durations;
import dev.heirloom.schedule.Schedule;
import dev.heirloom.schedule.ScheduledJob;
import dev.heirloom.spi.InvalidConfigException;
import dev.heirloom.verify.VerifyLevel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static dev.heirloom.cli.ConfigValues.onlyKnown;
import static dev.heirloom.cli.ConfigValues.positive;
import static dev.heirloom.cli.ConfigValues.required;

/**
 * The {@code schedule:} and {@code report:} sections of a configuration file: which jobs
 * {@code heirloom run} runs when, and where the HTML report goes after each.
 */
final class ScheduleConfig {
    private static final Set<String> SCHEDULE = Set.of("backup", "watch", "verify", "prune", "extendLocks", "stateFile");

    private final ConfigValues values;
    private final Path base;

    /** @param base the configuration file's folder, where the state file is kept unless named */
    ScheduleConfig(ConfigValues values, Path base) {
        this.values = values;
        this.base = base;
    }

    /** The jobs, the watch and the state file of a {@code schedule:} section (no notifier or report yet). */
    ConfigFile.RunSchedule schedule(JsonNode node, String defaultState) {
        if (!node.isObject()) {
            throw new InvalidConfigException("schedule must be a mapping with backup, verify, prune, extendLocks, watch, stateFile");
        }
        onlyKnown(node, SCHEDULE, "schedule");
        List<ScheduledJob> jobs = new ArrayList<>();
        if (node.has("backup")) {
            jobs.add(ScheduledJob.backup(when(node.get("backup"), "schedule.backup", Set.of())));
        }
        if (node.has("verify")) {
            JsonNode v = node.get("verify");
            Schedule when = when(v, "schedule.verify", Set.of("level", "sample"));
            VerifyLevel level = VerifyLevel.CHECKSUM;
            int sample = 100;
            if (v.isObject() && v.has("level")) {
                level = values.parse(v, "level", "schedule.verify", VerifyLevel::parse);
            }
            if (v.isObject() && v.has("sample")) {
                sample = positive(v.get("sample"), "schedule.verify.sample");
                if (sample > 100) {
                    throw new InvalidConfigException("schedule.verify.sample: a share of objects per run, 1 to 100 (percent)");
                }
            }
            jobs.add(ScheduledJob.verify(when, level, sample));
        }
        if (node.has("prune")) {
            JsonNode p = node.get("prune");
            Schedule when = when(p, "schedule.prune", Set.of("graceHours"));
            int grace = p.isObject() && p.has("graceHours") ? positive(p.get("graceHours"), "schedule.prune.graceHours") : 24;
            jobs.add(ScheduledJob.prune(when, Duration.ofHours(grace)));
        }
        if (node.has("extendLocks")) {
            jobs.add(ScheduledJob.extendLocks(when(node.get("extendLocks"), "schedule.extendLocks", Set.of())));
        }
        Optional<Duration> watch = Optional.empty();
        if (node.has("watch")) {
            if (!node.has("backup")) {
                throw new InvalidConfigException("schedule.watch starts backups: add schedule.backup too");
            }
            watch = Optional.of(values.parse(node, "watch", "schedule", Durations::parse));
        }
        if (jobs.isEmpty()) {
            throw new InvalidConfigException("schedule: name at least one of backup, verify, prune, extendLocks");
        }
        Path state = node.has("stateFile") ? values.path(values.text(node.get("stateFile"), "schedule.stateFile")) : base.resolve(defaultState);
        return new ConfigFile.RunSchedule(List.copyOf(jobs), watch, state, null, Optional.empty());
    }

    /** A job's schedule: a plain value, or a mapping with {@code when} and the job's own fields. */
    private Schedule when(JsonNode node, String where, Set<String> fields) {
        JsonNode when = node;
        if (node.isObject()) {
            Set<String> known = new java.util.HashSet<>(fields);
            known.add("when");
            onlyKnown(node, known, where);
            when = required(node, "when", where);
        }
        String text = values.text(when, where + (node.isObject() ? ".when" : ""));
        try {
            return Schedule.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(where + ": " + e.getMessage() + " (or write \"every 6h\")");
        }
    }

    /** The {@code report:} section: where the HTML report goes after each scheduled job, if anywhere. */
    Optional<Path> reportHtml(JsonNode root) {
        JsonNode node = root.get("report");
        if (node == null) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new InvalidConfigException("report must be a mapping, e.g. report: { html: ~/heirloom-report.html }");
        }
        onlyKnown(node, Set.of("html"), "report");
        return node.has("html") ? Optional.of(values.path(values.text(node.get("html"), "report.html"))) : Optional.empty();
    }

    static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
