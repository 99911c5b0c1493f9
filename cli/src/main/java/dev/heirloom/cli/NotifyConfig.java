package dev.heirloom.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heirloom.schedule.JobStatus;
import dev.heirloom.schedule.Notifier;
import dev.heirloom.spi.InvalidConfigException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * The {@code notify:} section: {@code webhook} (URL), {@code format} ({@code json} or
 * {@code text}), {@code on} (outcomes: {@code failed}, {@code warning}, {@code succeeded},
 * {@code cancelled}, or {@code all}), {@code ping} (a healthchecks.io-style URL) and
 * {@code command} (a list: the program and its arguments, no shell). URLs usually carry a token:
 * errors never quote them.
 */
final class NotifyConfig {
    private static final Set<String> KEYS = Set.of("webhook", "format", "on", "ping", "command");

    private NotifyConfig() {
    }

    /**
     * @param text reads a scalar with {@code ${env:NAME}} resolved, naming the field on error
     */
    static Notifier parse(JsonNode node, BiFunction<JsonNode, String, String> text, String host) {
        if (!node.isObject()) {
            throw new InvalidConfigException("notify must be a mapping with webhook, format, on, ping or command");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!KEYS.contains(n)) {
                throw new InvalidConfigException("notify." + n + " is not a setting; known: " + new java.util.TreeSet<>(KEYS));
            }
        }
        Notifier.Builder b = Notifier.builder().host(host);
        if (node.has("webhook")) {
            Notifier.Format format = Notifier.Format.JSON;
            if (node.has("format")) {
                String f = text.apply(node.get("format"), "notify.format").toLowerCase(Locale.ROOT);
                format = switch (f) {
                    case "json" -> Notifier.Format.JSON;
                    case "text" -> Notifier.Format.TEXT;
                    default -> throw new InvalidConfigException("notify.format is json or text, not '" + f + "'");
                };
            }
            Notifier.Format f = format;
            url(text.apply(node.get("webhook"), "notify.webhook"), "notify.webhook", u -> b.webhook(u, f));
        } else if (node.has("format")) {
            throw new InvalidConfigException("notify.format is the webhook's: give notify.webhook too");
        }
        if (node.has("on")) {
            b.on(statuses(node.get("on"), text));
        }
        if (node.has("ping")) {
            url(text.apply(node.get("ping"), "notify.ping"), "notify.ping", b::ping);
        }
        if (node.has("command")) {
            JsonNode c = node.get("command");
            if (!c.isArray() || c.isEmpty()) {
                throw new InvalidConfigException("notify.command is a list: the program, then its arguments "
                        + "(no shell), e.g. [/usr/local/bin/tell-ann, backup]");
            }
            List<String> argv = new ArrayList<>();
            for (int i = 0; i < c.size(); i++) {
                argv.add(text.apply(c.get(i), "notify.command[" + i + "]"));
            }
            b.command(argv);
        }
        return b.build();
    }

    private static Set<JobStatus> statuses(JsonNode on, BiFunction<JsonNode, String, String> text) {
        List<JsonNode> items = new ArrayList<>();
        if (on.isArray()) {
            on.forEach(items::add);
        } else {
            items.add(on);
        }
        Set<JobStatus> out = EnumSet.noneOf(JobStatus.class);
        for (int i = 0; i < items.size(); i++) {
            String s = text.apply(items.get(i), "notify.on").toLowerCase(Locale.ROOT);
            switch (s) {
                case "all" -> out.addAll(EnumSet.allOf(JobStatus.class));
                case "failed", "failure" -> out.add(JobStatus.FAILED);
                case "warning" -> out.add(JobStatus.WARNING);
                case "succeeded", "success" -> out.add(JobStatus.SUCCEEDED);
                case "cancelled" -> out.add(JobStatus.CANCELLED);
                default -> throw new InvalidConfigException("notify.on takes failed, warning, succeeded, cancelled or all, "
                        + "not '" + s + "'");
            }
        }
        if (out.isEmpty()) {
            throw new InvalidConfigException("notify.on names no outcome");
        }
        return out;
    }

    /** Hands the URL to the builder, which takes http:// and https:// only; the value itself is never quoted (it may hold a token). */
    private static void url(String value, String where, java.util.function.Consumer<URI> set) {
        try {
            set.accept(new URI(value));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new InvalidConfigException(where + " must be an http:// or https:// URL");
        }
    }
}
