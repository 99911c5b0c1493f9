package dev.heirloom.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Tells someone how unattended runs went: a webhook (JSON or plain text: ntfy, Gotify, Slack- and
 * Mattermost-style incoming hooks take one or the other), healthchecks.io-style pings (start,
 * success, fail: a missed run is noticed by the service), and a command of the user's. Sends from
 * a thread of its own, so a slow or dead endpoint never holds up the schedule; a failure to send
 * is logged without the URL or command, which may carry a token.
 */
public final class Notifier implements ScheduleListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** How the webhook's body is written. */
    public enum Format {
        /** An object with job, outcome, summary and a ready {@code text}/{@code message}/{@code title}. */
        JSON,
        /** One line of text (what ntfy shows as the message). */
        TEXT
    }

    private final Optional<URI> webhook;
    private final Format format;
    private final Set<JobStatus> on;
    private final Optional<URI> ping;
    private final List<String> command;
    private final String host;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "heirloom-notify");
        t.setDaemon(true);
        return t;
    });

    private Notifier(Builder b) {
        this.webhook = Optional.ofNullable(b.webhook);
        this.format = b.format;
        this.on = EnumSet.copyOf(b.on);
        this.ping = Optional.ofNullable(b.ping);
        this.command = List.copyOf(b.command);
        this.host = b.host;
    }

    /** A builder with no way of telling anyone yet. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether anything is to be told. */
    public boolean active() {
        return webhook.isPresent() || ping.isPresent() || !command.isEmpty();
    }

    @Override
    public void started(String job, String reason, Instant at) {
        ping.ifPresent(p -> sender.execute(() -> get(suffixed(p, "/start"))));
    }

    @Override
    public void finished(JobOutcome o) {
        ping.ifPresent(p -> sender.execute(() -> get(o.status() == JobStatus.FAILED ? suffixed(p, "/fail") : p)));
        if (!on.contains(o.status())) {
            return;
        }
        byte[] json = json(o);
        webhook.ifPresent(w -> sender.execute(() -> post(w, format == Format.JSON ? json
                : text(o).getBytes(StandardCharsets.UTF_8), format == Format.JSON ? "application/json" : "text/plain; charset=utf-8")));
        if (!command.isEmpty()) {
            sender.execute(() -> run(o, json));
        }
    }

    /** Waits up to 15 s for what is being sent, then stops. */
    @Override
    public void close() {
        sender.shutdown();
        try {
            if (!sender.awaitTermination(15, TimeUnit.SECONDS)) {
                sender.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String text(JobOutcome o) {
        return "heirloom " + o.job() + " on " + host + ": " + o.status().name().toLowerCase(Locale.ROOT) + " - " + o.summary();
    }

    private byte[] json(JobOutcome o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("job", o.job());
        n.put("outcome", o.status().name().toLowerCase(Locale.ROOT));
        n.put("summary", o.summary());
        n.put("reason", o.reason());
        n.put("host", host);
        n.put("started", o.started().toString());
        n.put("finished", o.finished().toString());
        // what chat hooks (text) and Gotify (title, message) show
        n.put("title", "heirloom " + o.job() + ": " + o.status().name().toLowerCase(Locale.ROOT));
        n.put("message", o.summary());
        n.put("text", text(o));
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void post(URI to, byte[] body, String type) {
        send(HttpRequest.newBuilder(to).timeout(TIMEOUT).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), "the webhook");
    }

    private void get(URI to) {
        send(HttpRequest.newBuilder(to).timeout(TIMEOUT).GET().build(), "the ping URL");
    }

    private void send(HttpRequest request, String what) {
        try {
            HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() >= 300) {
                LOG.warn("notification: {} answered HTTP {}", what, r.statusCode());
            }
        } catch (IOException e) {
            LOG.warn("notification: cannot reach {} ({})", what, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs the command with the outcome in HEIRLOOM_* variables and as JSON on its standard input. */
    private void run(JobOutcome o, byte[] json) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HEIRLOOM_JOB", o.job());
        pb.environment().put("HEIRLOOM_OUTCOME", o.status().name().toLowerCase(Locale.ROOT));
        pb.environment().put("HEIRLOOM_SUMMARY", o.summary());
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(json);
            } catch (IOException e) {
                // the command need not read its input
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("notification: the command did not finish within 60 s and was stopped");
            } else if (p.exitValue() != 0) {
                LOG.warn("notification: the command exited {}", p.exitValue());
            }
        } catch (IOException e) {
            LOG.warn("notification: cannot run the command ({})", e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static URI suffixed(URI base, String suffix) {
        String s = base.toString();
        int q = s.indexOf('?');
        return URI.create(q < 0 ? s.replaceAll("/+$", "") + suffix : s.substring(0, q).replaceAll("/+$", "") + suffix + s.substring(q));
    }

    /** A notifier's settings; nothing set tells nobody. */
    public static final class Builder {
        private URI webhook;
        private Format format = Format.JSON;
        private Set<JobStatus> on = EnumSet.of(JobStatus.FAILED, JobStatus.WARNING);
        private URI ping;
        private final List<String> command = new ArrayList<>();
        private String host = "localhost";

        private Builder() {
        }

        /** POSTs each outcome {@link #on} asks for to this URL (http or https). */
        public Builder webhook(URI url, Format format) {
            this.webhook = checked(url, "webhook");
            this.format = Objects.requireNonNull(format, "format");
            return this;
        }

        /** Which outcomes the webhook and the command hear of; default failed and warning. */
        public Builder on(Set<JobStatus> statuses) {
            if (statuses.isEmpty()) {
                throw new IllegalArgumentException("notify on at least one outcome");
            }
            this.on = EnumSet.copyOf(statuses);
            return this;
        }

        /** Pings {@code URL/start} when a run starts, {@code URL} when it ends, {@code URL/fail} when it failed. */
        public Builder ping(URI url) {
            this.ping = checked(url, "ping");
            return this;
        }

        /** Runs this command (no shell) for each outcome {@link #on} asks for. */
        public Builder command(List<String> argv) {
            if (argv.isEmpty() || argv.get(0).isBlank()) {
                throw new IllegalArgumentException("a notify command needs at least the program to run");
            }
            command.clear();
            command.addAll(argv);
            return this;
        }

        /** The machine's name, as the messages give it. */
        public Builder host(String name) {
            this.host = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The notifier as configured. */
        public Notifier build() {
            return new Notifier(this);
        }

        private static URI checked(URI url, String what) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                // the URL itself is not quoted: it may carry a token
                throw new IllegalArgumentException("the notify " + what + " must be an http:// or https:// URL");
            }
            return url;
        }
    }
}
