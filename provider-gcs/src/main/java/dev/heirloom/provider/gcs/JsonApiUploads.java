package dev.heirloom.provider.gcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.Credentials;
import com.google.cloud.NoCredentials;
import dev.heirloom.spi.AuthenticationException;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.TargetUnavailableException;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON API's uploads, spoken directly: small objects in one multipart request, large ones by
 * the resumable protocol: start a session
 * (declaring the MD5 and CRC-32C the service must find, and {@code ifGenerationMatch=0} for
 * create-if-absent), send chunks with {@code Content-Range: bytes a-b/*}, ask the service how much
 * it holds with {@code bytes *}{@code /N}, and send the last chunk with the total. The session URI
 * alone lets a later process continue, so only it needs saving; no credential is.
 *
 * <p>Why not the client's {@code WriteChannel.capture()}: in google-cloud-storage 2.63 its saved
 * state keeps the CRC-32C of the first capture (the resumed upload then fails the service's check),
 * fails to save at all when MD5/CRC-32C are declared, and would serialize the client options with
 * their credentials. Everything else goes through the client.
 */
final class JsonApiUploads {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern RANGE = Pattern.compile("bytes=0-(\\d+)");
    private static final HexFormat HEX = HexFormat.of();
    /** The largest piece of a request body handed to the socket at once. */
    private static final int SLICE = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();

    private final String host;
    private final Credentials credentials;
    private final int maxTries;

    JsonApiUploads(String host, Credentials credentials, int maxTries) {
        this.host = host.replaceAll("/+$", "");
        this.credentials = credentials;
        this.maxTries = maxTries;
    }

    /** What the service answered to a chunk: how much it holds now, or the finished object's metadata. */
    record Progress(long persisted, Optional<JsonNode> object) {
    }

    private static ObjectNode metadata(String name, Checksums declared, Optional<String> storageClass,
                                       Optional<java.time.Instant> retainUntil) {
        ObjectNode meta = JSON.createObjectNode();
        meta.put("name", name);
        meta.put("contentType", "application/octet-stream");
        declared.get(ChecksumAlgorithm.MD5).ifPresent(h -> meta.put("md5Hash", b64(h)));
        declared.get(ChecksumAlgorithm.CRC32C).ifPresent(h -> meta.put("crc32c", b64(h)));
        storageClass.ifPresent(c -> meta.put("storageClass", c));
        retainUntil.ifPresent(t -> GcsRetention.put(meta, t));
        return meta;
    }

    /**
     * Uploads a small object in one multipart request (metadata with the declared checksums, then
     * the bytes); the service refuses it when they differ. Safe to repeat with {@code ifAbsent}
     * (a repeat after a landed try answers 412, which the caller resolves).
     *
     * @return the object's metadata as the service reports it
     */
    JsonNode single(String bucket, String name, byte[] data, int length, Checksums declared, Optional<String> storageClass,
                    Optional<java.time.Instant> retainUntil, boolean ifAbsent) {
        String boundary = "heirloom-" + java.util.UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + metadata(name, declared, storageClass, retainUntil) + "\r\n--" + boundary
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create(host + "/upload/storage/v1/b/" + URLEncoder.encode(bucket, StandardCharsets.UTF_8)
                + "/o?uploadType=multipart" + (ifAbsent ? "&ifGenerationMatch=0" : ""));
        String what = "upload " + name;
        HttpResponse<byte[]> r = send(what, () -> authorized(HttpRequest.newBuilder(uri))
                .header("Content-Type", "multipart/related; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        wrapped(data, 0, length), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw failure(what, r);
        }
        return json(r);
    }

    /**
     * An object's metadata ({@code fields} of the JSON API), or empty when there is none: the
     * engine asks once per new object, so this small request skips the client's machinery.
     */
    Optional<JsonNode> metadata(String bucket, String name, String fields) {
        URI uri = URI.create(objectUrl(bucket, name) + "?fields=" + URLEncoder.encode(fields, StandardCharsets.UTF_8));
        return object("stat " + name, () -> authorized(HttpRequest.newBuilder(uri)).GET().build());
    }

    private String objectUrl(String bucket, String name) {
        return host + "/storage/v1/b/" + URLEncoder.encode(bucket, StandardCharsets.UTF_8) + "/o/"
                + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A request about one object: its resource as answered, or empty when there is no such object. */
    private Optional<JsonNode> object(String what, RequestFactory request) {
        HttpResponse<byte[]> r = send(what, request);
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        if (r.statusCode() != 200) {
            throw failure(what, r);
        }
        return Optional.of(json(r));
    }

    /**
     * Sets an object's retention to a Locked one until {@code until} (a PATCH of its metadata). The
     * service refuses to bring a retention forward or to weaken a Locked one.
     *
     * @return the object's metadata, or empty when there is no such object
     */
    Optional<JsonNode> retain(String bucket, String name, java.time.Instant until) {
        URI uri = URI.create(objectUrl(bucket, name));
        ObjectNode body = JSON.createObjectNode();
        GcsRetention.put(body, until);
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        return object("lock " + name, () -> authorized(HttpRequest.newBuilder(uri))
                .header("Content-Type", "application/json; charset=UTF-8")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    /** Starts a session and returns its URI. */
    URI start(String bucket, String name, long size, Checksums declared, Optional<String> storageClass,
              Optional<java.time.Instant> retainUntil, boolean ifAbsent) {
        ObjectNode meta = metadata(name, declared, storageClass, retainUntil);
        URI uri = URI.create(host + "/upload/storage/v1/b/" + URLEncoder.encode(bucket, StandardCharsets.UTF_8)
                + "/o?uploadType=resumable" + (ifAbsent ? "&ifGenerationMatch=0" : ""));
        byte[] body = meta.toString().getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = send("start upload of " + name, () -> authorized(HttpRequest.newBuilder(uri))
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("X-Upload-Content-Type", "application/octet-stream")
                .header("X-Upload-Content-Length", Long.toString(size))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw failure("start upload of " + name, r);
        }
        return URI.create(r.headers().firstValue("Location").orElseThrow(() ->
                new StorageException("start upload of " + name + ": the service returned no session URI")));
    }

    /**
     * How many bytes the service holds for the session; {@code total} when it is finished; empty
     * when the session is gone (expired after a week, or cancelled).
     */
    Optional<Progress> status(URI session, long total) {
        HttpResponse<byte[]> r = send("ask an upload's progress", () -> authorized(HttpRequest.newBuilder(session))
                .header("Content-Range", "bytes */" + total).PUT(HttpRequest.BodyPublishers.noBody()).build());
        return switch (r.statusCode()) {
            case 308 -> Optional.of(new Progress(persisted(r), Optional.empty()));
            case 200, 201 -> Optional.of(new Progress(total, Optional.of(json(r))));
            case 404, 410 -> Optional.empty();
            default -> throw failure("ask an upload's progress", r);
        };
    }

    /**
     * Sends {@code length} bytes at {@code from}; with {@code last}, also the total, which finishes
     * the upload. A lost connection or a 5xx/429 answer is followed by a status query and the
     * missing part sent again, up to the configured tries.
     */
    Progress put(URI session, byte[] buffer, int offset, int length, long from, long total, boolean last) {
        String what = "upload bytes " + from + "-" + (from + length - 1);
        return retrying(what, attempt -> {
            int skip = 0;
            if (attempt > 1) {
                Optional<Progress> now = status(session, total);
                if (now.isEmpty()) {
                    throw new TargetUnavailableException(what + ": the upload session expired; it starts again on the next try", null);
                }
                if (now.get().object().isPresent()) {
                    return Optional.of(now.get());
                }
                if (now.get().persisted() < from) {
                    throw new TargetUnavailableException(what + ": the service lost part of the upload ("
                            + now.get().persisted() + " bytes held); it starts again on the next try", null);
                }
                skip = (int) Math.min(length, now.get().persisted() - from);
                if (skip == length && !last) {
                    return Optional.of(now.get());
                }
            }
            long start = from + skip;
            int count = length - skip;
            String range = count == 0 ? "bytes */" + total
                    : "bytes " + start + "-" + (start + count - 1) + "/" + (last ? Long.toString(total) : "*");
            HttpResponse<byte[]> r = HTTP.send(authorized(HttpRequest.newBuilder(session))
                    .header("Content-Range", range)
                    .PUT(count == 0 ? HttpRequest.BodyPublishers.noBody()
                            : wrapped(buffer, offset + skip, count)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 308) {
                return Optional.of(new Progress(persisted(r), Optional.empty()));
            }
            if (r.statusCode() == 200 || r.statusCode() == 201) {
                return Optional.of(new Progress(total, Optional.of(json(r))));
            }
            if (!retryable(r.statusCode()) || attempt >= maxTries) {
                throw failure(what, r);
            }
            return Optional.empty();
        });
    }

    /**
     * A request body of {@code bytes} as they are, in slices of {@link #SLICE}: the JDK's own
     * byte-array publisher copies them into 16 KiB buffers, each one socket write, which cost
     * more CPU than the upload's other work together. The caller keeps the array unchanged until
     * the response came (each request is sent and answered before its buffer is reused).
     */
    static HttpRequest.BodyPublisher wrapped(byte[] bytes, int offset, int length) {
        if (length == 0) {
            return HttpRequest.BodyPublishers.noBody();
        }
        List<ByteBuffer> slices = new java.util.ArrayList<>();
        for (int at = 0; at < length; at += SLICE) {
            slices.add(ByteBuffer.wrap(bytes, offset + at, Math.min(SLICE, length - at)).asReadOnlyBuffer());
        }
        // each subscription (a retry sends the body again) gets fresh views of the same bytes
        return HttpRequest.BodyPublishers.fromPublisher(subscriber -> subscriber.onSubscribe(
                new Slices(subscriber, slices.stream().map(ByteBuffer::duplicate).iterator())), length);
    }

    /** Hands prepared buffers to one subscriber as it asks for them (reentrant requests included). */
    private static final class Slices implements Flow.Subscription {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final Iterator<ByteBuffer> next;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger draining = new AtomicInteger();
        private volatile boolean cancelled;
        private boolean completed;

        Slices(Flow.Subscriber<? super ByteBuffer> subscriber, Iterator<ByteBuffer> next) {
            this.subscriber = subscriber;
            this.next = next;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("a request of " + n));
                return;
            }
            demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            if (draining.getAndIncrement() != 0) {
                return;
            }
            do {
                while (!cancelled && !completed && demand.get() > 0 && next.hasNext()) {
                    demand.decrementAndGet();
                    subscriber.onNext(next.next());
                }
                if (!cancelled && !completed && !next.hasNext()) {
                    completed = true;
                    subscriber.onComplete();
                }
            } while (draining.decrementAndGet() != 0);
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    /** One try of a request: a result, or empty to try again. */
    @FunctionalInterface
    private interface Attempt<T> {
        Optional<T> run(int attempt) throws IOException, InterruptedException;
    }

    /**
     * Runs tries with exponential back-off (0.5 s doubling, at most 16 s) until one gives a result,
     * a lost connection happens on the last try, or a try throws.
     */
    private <T> T retrying(String what, Attempt<T> attempt) {
        long pause = 500;
        for (int n = 1; ; n++) {
            try {
                Optional<T> result = attempt.run(n);
                if (result.isPresent()) {
                    return result.get();
                }
            } catch (IOException e) {
                if (n >= maxTries) {
                    throw new TargetUnavailableException(what + ": the connection to the service failed ("
                            + GcsErrors.scrub(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException(what + ": interrupted", null);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailableException(what + ": interrupted", null);
            }
            pause = Math.min(pause * 2, 16_000);
        }
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder b) throws IOException {
        b.timeout(Duration.ofMinutes(5));
        if (credentials != null && !(credentials instanceof NoCredentials)) {
            for (Map.Entry<String, List<String>> h : credentials.getRequestMetadata(URI.create(host)).entrySet()) {
                for (String v : h.getValue()) {
                    b.header(h.getKey(), v);
                }
            }
        }
        return b;
    }

    @FunctionalInterface
    private interface RequestFactory {
        HttpRequest build() throws IOException;
    }

    /** Sends a request that is safe to repeat, retrying lost connections and 5xx/429 answers. */
    private HttpResponse<byte[]> send(String what, RequestFactory request) {
        return retrying(what, attempt -> {
            HttpResponse<byte[]> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return retryable(r.statusCode()) && attempt < maxTries ? Optional.empty() : Optional.of(r);
        });
    }

    private static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private static long persisted(HttpResponse<byte[]> r) {
        Optional<String> range = r.headers().firstValue("Range");
        if (range.isEmpty()) {
            return 0;
        }
        Matcher m = RANGE.matcher(range.get().trim());
        return m.matches() ? Long.parseLong(m.group(1)) + 1 : 0;
    }

    private static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new StorageException("the service's answer is not JSON: " + e.getMessage());
        }
    }

    private static StorageException failure(String what, HttpResponse<byte[]> r) {
        int status = r.statusCode();
        String message = "";
        try {
            message = JSON.readTree(r.body()).path("error").path("message").asText("");
        } catch (IOException | RuntimeException e) {
            // no JSON error body
        }
        String text = what + ": " + GcsErrors.scrub(message.isEmpty() ? "HTTP " + status : message + " (HTTP " + status + ")");
        if (status == 412) {
            return new ObjectExistsException(what);
        }
        if (status == 400 && message.contains("match")) {
            return new ChecksumMismatchException(text + "; nothing was stored");
        }
        if (status == 401 || status == 403) {
            return new AuthenticationException(text + ": Google Cloud Storage refused our credentials", null);
        }
        if (retryable(status)) {
            return new TargetUnavailableException(text, null);
        }
        return new StorageException(text);
    }

    private static String b64(String hex) {
        return Base64.getEncoder().encodeToString(HEX.parseHex(hex));
    }
}
