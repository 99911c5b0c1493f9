package dev.heirloom.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.heirloom.Heirloom;
import dev.heirloom.TargetSpec;
import dev.heirloom.repository.Encryption;
import dev.heirloom.policy.Medium;
import dev.heirloom.policy.Policy;
import dev.heirloom.policy.Site;
import dev.heirloom.schedule.ScheduledJob;
import dev.heirloom.verify.VerifyLevel;
import dev.heirloom.source.MediaFilter;
import dev.heirloom.source.MediaGroup;
import dev.heirloom.source.SourceSpec;
import dev.heirloom.spi.InvalidConfigException;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static dev.heirloom.cli.ConfigValues.atLeastZero;
import static dev.heirloom.cli.ConfigValues.bandwidth;
import static dev.heirloom.cli.ConfigValues.bool;
import static dev.heirloom.cli.ConfigValues.onlyKnown;
import static dev.heirloom.cli.ConfigValues.positive;
import static dev.heirloom.cli.ConfigValues.required;

/**
 * Reads a Heirloom YAML configuration into a {@link Heirloom.Builder}. Every mistake is an
 * {@link InvalidConfigException} naming the field. {@code ${env:NAME}} in any value is replaced by
 * the environment variable; values never appear in messages. Relative paths are relative to the
 * configuration file's folder.
 *
 * <pre>
 * source: { path: /home/ann/Pictures, medium: internal-disk, site: onsite, include: [photos, videos, sidecars], exclude: ["**&#47;.thumbnails/**"] }
 * policy: 3-2-1            # or { copies: 3, media: 2, offsite: 1 }
 * threads: 4               # optional
 * rehash: 5                # optional: % of unchanged files re-read per backup to catch bit rot
 * requireVerified: { level: content, maxAgeDays: 90 }   # optional: only recently verified copies count
 * retention: { daily: 7, monthly: 12, yearly: 10, deletedDays: 365 }   # optional default; a target may have its own
 * schedule:                # optional, for heirloom run
 *   backup: "0 2 * * *"    # cron (minute hour day month weekday) or "every 6h"
 *   watch: 2m              # also back up 2 minutes after new files stop arriving
 *   verify: { when: "0 4 * * 0", level: content, sample: 10 }
 *   prune: { when: "0 5 1 * *", graceHours: 24 }
 *   extendLocks: "0 3 * * *"   # keeps immutable targets' files locked while snapshots need them
 * targets:
 *   - { name: usb, uri: "file:///media/usb/heirloom", medium: external-disk, site: onsite }
 *   - { name: nas, path: ../nas-backup, medium: nas, site: onsite }
 *   - { name: cloud, uri: "gs://ann-photos/heirloom", medium: cloud, site: offsite, immutableDays: 30, options: { credentialsFile: "${env:GCS_KEY}" } }
 * </pre>
 */
public final class ConfigFile {
    private static final Set<String> TOP = Set.of("source", "policy", "targets", "threads", "rehash",
            "maxShrinkPercent", "requireVerified", "retention", "schedule", "restore", "bandwidth", "notify", "report");
    private static final Set<String> SOURCE = Set.of("path", "medium", "site", "include", "exclude", "label", "followLinks");
    private static final Set<String> TARGET = Set.of("name", "uri", "path", "medium", "site", "options", "retention",
            "bandwidth", "encryption", "offline", "immutableDays");
    private static final Set<String> ENCRYPTION = Set.of("passphrase", "keyFile");
    private static final Set<String> RETENTION = Set.of("last", "daily", "weekly", "monthly", "yearly", "withinDays",
            "deletedDays");

    private final ConfigValues values;
    private final ScheduleConfig schedules;

    private ConfigFile(Path base, Function<String, String> env) {
        this.values = new ConfigValues(base, env);
        this.schedules = new ScheduleConfig(values, base);
    }

    /** Reads a configuration file with the process environment. */
    public static Heirloom.Builder load(Path file) {
        return load(file, System::getenv);
    }

    /** Reads a configuration file, resolving {@code ${env:NAME}} with the given lookup. */
    public static Heirloom.Builder load(Path file, Function<String, String> env) {
        return new ConfigFile(file.toAbsolutePath().getParent(), env).builder(readRoot(file));
    }

    /**
     * What {@code heirloom run} runs: the {@code schedule:} section.
     *
     * @param jobs      backup, verify and prune jobs, in that order when due together
     * @param watch     quiet period after changes in the source before a backup, when watching
     * @param stateFile where the last run of each job is kept
     * @param notifier  who hears of each run ({@code notify:}); tells nobody when the section is absent
     * @param reportHtml where the HTML report is written after each job ({@code report: { html: PATH }})
     */
    public record RunSchedule(List<ScheduledJob> jobs, Optional<Duration> watch, Path stateFile,
                              dev.heirloom.schedule.Notifier notifier, Optional<Path> reportHtml) {
    }

    /**
     * Reads the {@code schedule:} section of a configuration file.
     *
     * @throws InvalidConfigException when it is missing or wrong
     */
    public static RunSchedule loadSchedule(Path file) {
        JsonNode root = readRoot(file);
        JsonNode node = root.get("schedule");
        if (node == null) {
            throw new InvalidConfigException("configuration " + file + " has no schedule section; add e.g. "
                    + "schedule: { backup: \"0 2 * * *\" }");
        }
        String name = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
        ConfigFile config = new ConfigFile(file.toAbsolutePath().getParent(), System::getenv);
        RunSchedule plan = config.schedules.schedule(node, name + ".schedule.json");
        dev.heirloom.schedule.Notifier notifier = root.has("notify")
                ? NotifyConfig.parse(root.get("notify"), config.values::text, ScheduleConfig.hostName()) : dev.heirloom.schedule.Notifier.builder().build();
        return new RunSchedule(plan.jobs(), plan.watch(), plan.stateFile(), notifier, config.schedules.reportHtml(root));
    }

    private static JsonNode readRoot(Path file) {
        JsonNode root;
        try {
            root = LiteralYaml.read(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new InvalidConfigException("configuration " + file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new InvalidConfigException("configuration file " + file.toAbsolutePath().normalize()
                    + " does not exist (give its path with -c FILE)");
        } catch (IOException e) {
            throw new InvalidConfigException("cannot read configuration " + file.toAbsolutePath().normalize() + ": "
                    + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidConfigException("configuration " + file + " must be a YAML mapping with source, policy and targets");
        }
        return root;
    }

    private Heirloom.Builder builder(JsonNode root) {
        onlyKnown(root, TOP, "");
        Heirloom.Builder b = Heirloom.builder();
        b.source(source(required(root, "source", "")));
        b.policy(policy(root.get("policy")));
        if (root.has("threads")) {
            b.threads(positive(root.get("threads"), "threads"));
        }
        if (root.has("requireVerified")) {
            JsonNode rv = root.get("requireVerified");
            onlyKnown(rv, Set.of("level", "maxAgeDays"), "requireVerified");
            VerifyLevel level;
            try {
                level = VerifyLevel.parse(values.text(required(rv, "level", "requireVerified"), "requireVerified.level"));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("requireVerified.level: " + e.getMessage());
            }
            b.requireVerified(level, java.time.Duration.ofDays(positive(required(rv, "maxAgeDays", "requireVerified"),
                    "requireVerified.maxAgeDays")));
        }
        if (root.has("bandwidth")) {
            b.bandwidth(bandwidth(root.get("bandwidth"), "bandwidth"));
        }
        if (root.has("restore")) {
            JsonNode restore = root.get("restore");
            onlyKnown(restore, Set.of("order"), "restore");
            JsonNode order = required(restore, "order", "restore");
            if (!order.isArray()) {
                throw new InvalidConfigException("restore.order: give a list of target names, e.g. [nas, usb, cloud]");
            }
            List<String> names = new java.util.ArrayList<>();
            for (int i = 0; i < order.size(); i++) {
                names.add(values.text(order.get(i), "restore.order[" + i + "]"));
            }
            b.restoreOrder(names);
        }
        if (root.has("maxShrinkPercent")) {
            JsonNode shrink = root.get("maxShrinkPercent");
            if (!shrink.isInt() || shrink.intValue() < 0 || shrink.intValue() > 100) {
                throw new InvalidConfigException("maxShrinkPercent: the largest share of the last snapshot's files a backup "
                        + "may lose and still write its snapshot, 0 to 100 (percent), not '" + shrink.asText() + "'");
            }
            b.maxShrinkPercent(shrink.intValue());
        }
        if (root.has("rehash")) {
            JsonNode rehash = root.get("rehash");
            if (!rehash.isInt() || rehash.intValue() < 0 || rehash.intValue() > 100) {
                throw new InvalidConfigException("rehash: a share of unchanged files to re-read per backup, 0 to 100 (percent), not '"
                        + rehash.asText() + "'");
            }
            b.rehashPercent(rehash.intValue());
        }
        JsonNode targets = required(root, "targets", "");
        if (!targets.isArray() || targets.isEmpty()) {
            throw new InvalidConfigException("targets: give a list of at least one target");
        }
        if (root.has("schedule")) {
            schedules.schedule(root.get("schedule"), "unused");
        }
        if (root.has("notify")) {
            // checked with the rest, so that any command reports a wrong value
            NotifyConfig.parse(root.get("notify"), values::text, "check");
        }
        schedules.reportHtml(root);
        dev.heirloom.retention.RetentionPolicy defaultRetention = root.has("retention")
                ? retention(root.get("retention"), "retention") : null;
        for (int i = 0; i < targets.size(); i++) {
            TargetSpec spec = target(targets.get(i), "targets[" + i + "]");
            b.target(spec);
            if (targets.get(i).has("bandwidth")) {
                b.bandwidth(spec.name(), bandwidth(targets.get(i).get("bandwidth"), "targets[" + i + "].bandwidth"));
            }
            if (targets.get(i).has("encryption")) {
                b.encryption(spec.name(), encryption(targets.get(i).get("encryption"), "targets[" + i + "].encryption"));
            }
            if (targets.get(i).has("immutableDays")) {
                int days = positive(targets.get(i).get("immutableDays"), "targets[" + i + "].immutableDays");
                if (days > dev.heirloom.repository.Immutability.MAX_DAYS) {
                    throw new InvalidConfigException("targets[" + i + "].immutableDays: at most "
                            + dev.heirloom.repository.Immutability.MAX_DAYS + " (ten years); a lock cannot be taken back");
                }
                b.immutableDays(spec.name(), days);
            }
            JsonNode own = targets.get(i).get("retention");
            if (own != null) {
                b.retention(spec.name(), retention(own, "targets[" + i + "].retention"));
            } else if (defaultRetention != null) {
                b.retention(spec.name(), defaultRetention);
            }
        }
        return b;
    }

    private SourceSpec source(JsonNode node) {
        onlyKnown(node, SOURCE, "source");
        Path path = values.path(values.text(required(node, "path", "source"), "source.path"));
        Medium medium = node.has("medium") ? values.parse(node, "medium", "source", Medium::parse) : Medium.INTERNAL_DISK;
        Site site = node.has("site") ? values.parse(node, "site", "source", Site::parse) : Site.ONSITE;
        Set<MediaGroup> groups = EnumSet.noneOf(MediaGroup.class);
        List<String> includes = new ArrayList<>();
        if (node.has("include")) {
            for (String item : values.strings(node.get("include"), "source.include")) {
                MediaGroup.named(item).ifPresentOrElse(groups::add, () -> includes.add(item));
            }
        } else {
            groups.addAll(EnumSet.allOf(MediaGroup.class));
        }
        List<String> excludes = node.has("exclude") ? values.strings(node.get("exclude"), "source.exclude") : List.of();
        String label = node.has("label") ? values.text(node.get("label"), "source.label") : null;
        boolean follow = node.has("followLinks") && bool(node.get("followLinks"), "source.followLinks");
        return new SourceSpec(path, new MediaFilter(groups, includes, excludes), medium, site, label, follow);
    }

    private Policy policy(JsonNode node) {
        if (node == null || node.isNull()) {
            return Policy.threeTwoOne();
        }
        if (node.isTextual()) {
            try {
                return Policy.parse(node.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("policy: " + e.getMessage() + " (or { copies: 3, media: 2, offsite: 1 })");
            }
        }
        onlyKnown(node, Set.of("copies", "media", "offsite", "offlineOrLocked", "zeroErrors"), "policy");
        try {
            return new Policy(positive(required(node, "copies", "policy"), "policy.copies"),
                    positive(required(node, "media", "policy"), "policy.media"),
                    node.has("offsite") ? atLeastZero(node.get("offsite"), "policy.offsite") : 0,
                    node.has("offlineOrLocked") ? atLeastZero(node.get("offlineOrLocked"), "policy.offlineOrLocked") : 0,
                    node.has("zeroErrors") && bool(node.get("zeroErrors"), "policy.zeroErrors"));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("policy: " + e.getMessage());
        }
    }

    private TargetSpec target(JsonNode node, String where) {
        if (!node.isObject()) {
            throw new InvalidConfigException(where + ": a target is a mapping with name, uri, medium and site");
        }
        onlyKnown(node, TARGET, where);
        String name = values.text(required(node, "name", where), where + ".name");
        URI uri;
        if (node.has("uri") == node.has("path")) {
            throw new InvalidConfigException(where + ": give either uri or path (a local folder)");
        }
        if (node.has("path")) {
            uri = values.path(values.text(node.get("path"), where + ".path")).toUri();
        } else {
            String raw = values.text(node.get("uri"), where + ".uri");
            try {
                uri = new URI(raw);
            } catch (URISyntaxException e) {
                throw new InvalidConfigException(where + ".uri is not a valid URI: " + e.getReason());
            }
        }
        required(node, "medium", where);
        required(node, "site", where);
        Medium medium = values.parse(node, "medium", where, Medium::parse);
        Site site = values.parse(node, "site", where, Site::parse);
        Map<String, String> options = new LinkedHashMap<>();
        if (node.has("options")) {
            JsonNode opts = node.get("options");
            if (!opts.isObject()) {
                throw new InvalidConfigException(where + ".options must be a mapping");
            }
            Iterator<Map.Entry<String, JsonNode>> it = opts.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                options.put(e.getKey(), values.text(e.getValue(), where + ".options." + e.getKey()));
            }
        }
        boolean offline = node.has("offline") && bool(node.get("offline"), where + ".offline");
        try {
            return new TargetSpec(name, uri, medium, site, options, offline);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(where + ": " + e.getMessage());
        }
    }

    /**
     * {@code none}, {@code { passphrase: TEXT }} or {@code { keyFile: PATH }}: how a target's
     * repository is encrypted (chosen when it is created; the secret opens it afterwards).
     */
    private Encryption encryption(JsonNode node, String where) {
        if (node.isTextual()) {
            if (!node.asText().equals("none")) {
                throw new InvalidConfigException(where + ": write none, { passphrase: \"${env:NAME}\" } or "
                        + "{ keyFile: PATH }");
            }
            return Encryption.none();
        }
        if (!node.isObject() || node.size() != 1) {
            throw new InvalidConfigException(where + ": give exactly one of passphrase or keyFile (or write none)");
        }
        onlyKnown(node, ENCRYPTION, where);
        if (node.has("keyFile")) {
            return Encryption.keyFile(values.path(values.text(node.get("keyFile"), where + ".keyFile")));
        }
        String passphrase = values.text(node.get("passphrase"), where + ".passphrase");
        if (passphrase.isEmpty()) {
            throw new InvalidConfigException(where + ".passphrase is empty");
        }
        return Encryption.passphrase(passphrase);
    }

    private static dev.heirloom.retention.RetentionPolicy retention(JsonNode node, String where) {
        onlyKnown(node, RETENTION, where);
        java.util.function.ToIntFunction<String> count = f -> {
            if (!node.has(f)) {
                return 0;
            }
            JsonNode v = node.get(f);
            return atLeastZero(v, where + "." + f);
        };
        return new dev.heirloom.retention.RetentionPolicy(count.applyAsInt("last"), count.applyAsInt("daily"),
                count.applyAsInt("weekly"), count.applyAsInt("monthly"), count.applyAsInt("yearly"),
                java.time.Duration.ofDays(count.applyAsInt("withinDays")), java.time.Duration.ofDays(count.applyAsInt("deletedDays")));
    }
}
