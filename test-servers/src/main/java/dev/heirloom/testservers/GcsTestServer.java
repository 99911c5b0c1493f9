package dev.heirloom.testservers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Google Cloud Storage JSON API server for tests, on loopback, with object bytes on disk (see
 * {@link GcsObjectStore}: a corpus of several GB fits while the heap stays small). It implements what
 * real clients use, as the GCS documentation specifies it: buckets (insert, get); uploads by
 * media, multipart (the data part may lack a Content-Type) and resumable sessions
 * ({@code Content-Range: bytes a-b/*}, 308 with {@code Range}, status queries with
 * {@code bytes *}{@code /N}, the final chunk answered 200 with the object; 200 with
 * {@code X-Http-Status-Code-Override: 308} for clients that send {@code X-GUploader-No-308: yes}); objects get (metadata
 * or {@code alt=media} with {@code Range}), list ({@code prefix}, {@code delimiter},
 * {@code pageToken}, {@code maxResults}), delete, and server-side copies ({@code rewriteTo}, done
 * in one call, and {@code copyTo}); reads of a {@code generation} that is no longer live answer
 * 404, as in a bucket without versioning; the preconditions {@code ifGenerationMatch},
 * {@code ifGenerationNotMatch}, {@code ifMetagenerationMatch}, {@code ifMetagenerationNotMatch}
 * (412); {@code md5Hash} and {@code crc32c} computed by the server from the stored bytes
 * (base64), and checked at finalize against those the client declared in the metadata or the
 * {@code X-Goog-Hash} header (400 on a mismatch); object retention ({@code enableObjectRetention}
 * buckets, an object's {@code retention} set at upload or by PATCH, a delete or replace before its
 * time refused with 403, a Locked time that only moves later) and bucket retention policies
 * ({@code retentionPolicy.retentionPeriod}: every object kept that long after its creation, with its
 * {@code retentionExpirationTime}). An optional OAuth token endpoint lets clients
 * with service-account credentials authenticate; {@link #requireAuthorization()} then refuses
 * requests without the token it issued.
 *
 * <p>Proven with two independent clients: the GCS Java client (the provider's contract tests)
 * and rclone's {@code google cloud storage} backend. Test hooks: {@link #stop()} and
 * {@link #restart()} keep the data; {@link #corrupt} flips a stored byte as bit rot would.
 */
public final class GcsTestServer implements AutoCloseable {
    static {
        // The JDK server writes headers and body separately; without TCP_NODELAY a keep-alive
        // client waits for the delayed ACK (about 40 ms) on every small answer.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }


    private final GcsObjectStore store;
    private final GcsUploads uploads;
    private final GcsReads reads;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final int port;
    private volatile boolean requireAuth;
    private HttpServer server;
    private ExecutorService executor;

    private GcsTestServer(int port, Path dir) {
        this.port = port;
        this.store = new GcsObjectStore(dir);
        this.uploads = new GcsUploads(store, this::endpoint);
        this.reads = new GcsReads(store, this::endpoint);
    }

    /** Starts a server on a free loopback port, keeping object bytes in a new temporary folder that {@link #close()} removes. */
    public static GcsTestServer start() throws IOException {
        GcsTestServer s = new GcsTestServer(0, Files.createTempDirectory("heirloom-gcs-"));
        s.listen(0);
        return s;
    }

    /**
     * Runs a server until the process is stopped, for benchmarks and manual tries:
     * {@code GcsTestServer [--port N] [--dir FOLDER] [--bucket NAME]... [--retention-bucket NAME]...};
     * prints the endpoint. A retention bucket has object retention enabled.
     * Object bytes live under {@code FOLDER} (default: a new temporary folder), removed when the
     * process is stopped.
     */
    public static void main(String[] args) throws Exception {
        int port = 0;
        Path dir = null;
        List<String> names = new ArrayList<>();
        List<String> retentionNames = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Files.createDirectories(Path.of(args[++i]));
                case "--bucket" -> names.add(args[++i]);
                case "--retention-bucket" -> retentionNames.add(args[++i]);
                default -> throw new IllegalArgumentException(
                        "usage: GcsTestServer [--port N] [--dir FOLDER] [--bucket NAME]... [--retention-bucket NAME]...");
            }
        }
        GcsTestServer s = new GcsTestServer(port, dir != null ? dir : Files.createTempDirectory("heirloom-gcs-"));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        s.listen(port);
        names.forEach(s::createBucket);
        retentionNames.forEach(s::createBucketWithObjectRetention);
        System.out.println(s.endpoint());
        Thread.currentThread().join();
    }

    private synchronized void listen(int onPort) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 64);
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "gcs-test-server");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The root URL, e.g. {@code http://127.0.0.1:41234}: the GCS Java client's host. */
    public String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    /** The listening port (kept across {@link #restart()}). */
    public synchronized int port() {
        return server.getAddress().getPort();
    }

    /** The OAuth token endpoint, for a service-account file's {@code token_uri}. */
    public String tokenUri() {
        return endpoint() + "/token";
    }

    /** From now on, refuses (401) every request without a bearer token issued by {@link #tokenUri()}. */
    public void requireAuthorization() {
        requireAuth = true;
    }

    /** Creates a bucket (as {@code POST /storage/v1/b} would). */
    public void createBucket(String name) {
        store.createBucket(name);
    }

    /**
     * Creates a bucket with object retention enabled, as {@code POST /storage/v1/b?enableObjectRetention=true}
     * would: its objects may then carry a {@code retention}, which the server enforces (a delete or
     * replace before the time is a 403; a Locked retention can only move later).
     */
    public void createBucketWithObjectRetention(String name) {
        store.createBucket(name, true);
    }

    /** The retention time of an object, if it has one. */
    public Optional<java.time.Instant> retainUntil(String bucket, String name) {
        NavigableMap<String, GcsObjectStore.Stored> b = store.bucket(bucket);
        GcsObjectStore.Stored o = b == null ? null : b.get(name);
        return o == null || o.retention() == null ? Optional.empty() : Optional.of(o.retention().until());
    }

    /**
     * Creates a bucket with a retention policy, as {@code retentionPolicy.retentionPeriod} does: every
     * object is kept for {@code period} after its creation (a delete or replace before is a 403), and
     * its resource says until when ({@code retentionExpirationTime}).
     */
    public void createBucketWithRetentionPolicy(String name, java.time.Duration period) {
        store.createBucket(name);
        store.bucketRetentionPolicy(name, period);
    }

    /** Moves the server's clock ahead, so that retentions run out without waiting. */
    public void advanceClock(java.time.Duration by) {
        store.advanceClock(by);
    }

    /** The stored bytes of an object, if present. */
    public Optional<byte[]> content(String bucket, String name) {
        NavigableMap<String, GcsObjectStore.Stored> b = store.bucket(bucket);
        GcsObjectStore.Stored o = b == null ? null : b.get(name);
        if (o == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readAllBytes(o.file()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The names of a bucket's objects, sorted. */
    public List<String> names(String bucket) {
        NavigableMap<String, GcsObjectStore.Stored> b = store.bucket(bucket);
        return b == null ? List.of() : List.copyOf(b.keySet());
    }

    /**
     * Flips one bit of a stored object without any request, as decay on a disk would; the
     * server's md5Hash and crc32c then describe the damaged bytes (as a service that re-hashes
     * what it stores reports them).
     */
    public void corrupt(String bucket, String name, long offset) {
        try {
            store.corrupt(bucket, name, offset);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Body bytes received by uploads so far (to see what a resumed upload sent again). */
    public long bytesUploaded() {
        return uploads.bytesUploaded();
    }

    /** Object bytes sent by downloads so far (to see what a ranged read fetched). */
    public long bytesDownloaded() {
        return reads.bytesDownloaded();
    }

    /** The names of the objects whose bytes were downloaded so far, in order. */
    public List<String> downloads() {
        return reads.downloads();
    }

    /** Stops listening (clients see connection refused); the data stays for {@link #restart()}. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Listens again on the same port with the same data and upload sessions. */
    public synchronized void restart() throws IOException {
        int p = server.getAddress().getPort();
        stop();
        listen(p);
    }

    /** Stops listening and removes every stored byte. */
    @Override
    public void close() {
        stop();
        store.close();
    }

    // --- HTTP ---

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                route(ex);
            } catch (GcsObjectStore.Failure e) {
                GcsJson.error(ex, e.code, e.reason, e.getMessage());
            } catch (RuntimeException e) {
                GcsJson.error(ex, 500, "backendError", String.valueOf(e));
            }
        }
    }

    private void route(HttpExchange ex) throws IOException, GcsObjectStore.Failure {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> q = GcsJson.query(ex.getRequestURI().getRawQuery());
        if (path.equals("/token") && method.equals("POST")) {
            token(ex);
            return;
        }
        if (requireAuth) {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
                throw new GcsObjectStore.Failure(401, "required", "Anonymous caller does not have storage access; a valid bearer token is required.");
            }
        }
        boolean upload = path.startsWith("/upload/storage/v1/b/");
        String rest = upload ? path.substring("/upload/storage/v1/b".length())
                : path.startsWith("/download/storage/v1/b/") ? path.substring("/download/storage/v1/b".length())
                : path.startsWith("/storage/v1/b") ? path.substring("/storage/v1/b".length()) : null;
        if (rest == null) {
            throw new GcsObjectStore.Failure(404, "notFound", "Not Found: " + path);
        }
        if (rest.isEmpty() || rest.equals("/")) {
            if (method.equals("POST")) {
                JsonNode body = GcsJson.JSON.readTree(GcsJson.body(ex));
                String name = body.path("name").asText("");
                if (name.isEmpty()) {
                    throw new GcsObjectStore.Failure(400, "invalid", "bucket name required");
                }
                if (!store.createBucket(name, "true".equals(q.get("enableObjectRetention")))) {
                    throw new GcsObjectStore.Failure(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
                }
                if (body.path("retentionPolicy").hasNonNull("retentionPeriod")) {
                    store.bucketRetentionPolicy(name, java.time.Duration.ofSeconds(body.path("retentionPolicy").path("retentionPeriod").asLong()));
                }
                GcsJson.send(ex, 200, GcsJson.bucket(endpoint(), name, store.objectRetention(name), store.bucketRetentionPolicy(name)));
                return;
            }
            throw new GcsObjectStore.Failure(405, "methodNotAllowed", method + " " + path);
        }
        String[] parts = rest.substring(1).split("/", 3);
        String bucket = GcsJson.decodePath(parts[0]);
        NavigableMap<String, GcsObjectStore.Stored> objects = store.bucket(bucket);
        if (objects == null) {
            throw GcsObjectStore.Failure.noBucket();
        }
        if (parts.length == 1) {
            if (method.equals("GET")) {
                GcsJson.send(ex, 200, GcsJson.bucket(endpoint(), bucket, store.objectRetention(bucket), store.bucketRetentionPolicy(bucket)));
                return;
            }
            throw new GcsObjectStore.Failure(405, "methodNotAllowed", method + " " + path);
        }
        if (!parts[1].equals("o")) {
            throw new GcsObjectStore.Failure(404, "notFound", "Not Found: " + path);
        }
        String uploadType = q.get("uploadType");
        if (parts.length == 2 || parts[2].isEmpty()) {
            if (uploadType != null && (method.equals("POST") || method.equals("PUT"))) {
                uploads.handle(ex, bucket, uploadType, q);
            } else if (method.equals("GET")) {
                reads.list(ex, objects, q);
            } else {
                throw new GcsObjectStore.Failure(405, "methodNotAllowed", method + " " + path);
            }
            return;
        }
        int rewrite = parts[2].indexOf("/rewriteTo/b/");
        int copy = parts[2].indexOf("/copyTo/b/");
        if (method.equals("POST") && (rewrite > 0 || copy > 0)) {
            int at = rewrite > 0 ? rewrite : copy;
            String[] to = parts[2].substring(at + (rewrite > 0 ? "/rewriteTo/b/" : "/copyTo/b/").length()).split("/o/", 2);
            if (to.length != 2) {
                throw new GcsObjectStore.Failure(404, "notFound", "Not Found: " + path);
            }
            copy(ex, store.get(bucket, GcsJson.decodePath(parts[2].substring(0, at))), GcsJson.decodePath(to[0]), GcsJson.decodePath(to[1]), q,
                    rewrite > 0);
            return;
        }
        String name = GcsJson.decodePath(parts[2]);
        switch (method) {
            case "GET" -> reads.get(ex, bucket, name, q, path.startsWith("/download/"));
            case "DELETE" -> {
                store.delete(bucket, name, q);
                ex.sendResponseHeaders(204, -1);
            }
            case "PATCH" -> GcsJson.send(ex, 200, GcsJson.object(endpoint(),
                    store.patchRetention(bucket, name, GcsJson.JSON.readTree(GcsJson.body(ex)), q)));
            default -> throw new GcsObjectStore.Failure(405, "methodNotAllowed", method + " " + path);
        }
    }

    /**
     * A server-side copy: {@code rewriteTo} answers a rewrite response (always done in one call),
     * {@code copyTo} the object; the body is the destination's metadata, the query its
     * preconditions and the source's ({@code ifSourceGenerationMatch}, {@code sourceGeneration}).
     */
    private void copy(HttpExchange ex, GcsObjectStore.Stored source, String bucket, String name, Map<String, String> q,
                      boolean rewrite) throws IOException, GcsObjectStore.Failure {
        if (q.containsKey("sourceGeneration") && Long.parseLong(q.get("sourceGeneration")) != source.generation()) {
            throw new GcsObjectStore.Failure(404, "notFound", "No such object: " + source.bucket() + "/" + source.name());
        }
        if (q.containsKey("ifSourceGenerationMatch")
                && Long.parseLong(q.get("ifSourceGenerationMatch")) != source.generation()) {
            throw GcsObjectStore.Failure.conditionNotMet();
        }
        byte[] body = GcsJson.body(ex);
        ObjectNode meta = body.length == 0 ? GcsJson.JSON.createObjectNode() : (ObjectNode) GcsJson.JSON.readTree(body);
        Map<String, String> destination = new LinkedHashMap<>(q);
        destination.keySet().removeIf(k -> k.startsWith("ifSource") || k.equals("sourceGeneration"));
        GcsObjectStore.Stored o = store.copy(source, bucket, name, meta, destination);
        if (!rewrite) {
            GcsJson.send(ex, 200, GcsJson.object(endpoint(), o));
            return;
        }
        ObjectNode n = GcsJson.JSON.createObjectNode();
        n.put("kind", "storage#rewriteResponse");
        n.put("totalBytesRewritten", Long.toString(o.size()));
        n.put("objectSize", Long.toString(o.size()));
        n.put("done", true);
        n.set("resource", GcsJson.object(endpoint(), o));
        GcsJson.send(ex, 200, n);
    }

    private void token(HttpExchange ex) throws IOException, GcsObjectStore.Failure {
        String body = new String(GcsJson.body(ex), StandardCharsets.UTF_8);
        Map<String, String> form = GcsJson.query(body);
        if (!form.containsKey("assertion") && !form.containsKey("refresh_token")) {
            throw new GcsObjectStore.Failure(400, "invalid_grant", "no assertion");
        }
        String token = "ya29.test-" + UUID.randomUUID();
        tokens.add(token);
        ObjectNode n = GcsJson.JSON.createObjectNode();
        n.put("access_token", token);
        n.put("expires_in", 3600);
        n.put("token_type", "Bearer");
        GcsJson.send(ex, 200, n);
    }

}
