package dev.heirloom.testservers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * {@code X-Goog-Hash} header (400 on a mismatch). An optional OAuth token endpoint lets clients
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final GcsObjectStore store;
    private final Map<String, GcsObjectStore.Session> uploads = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesUploaded = new AtomicLong();
    private final List<String> downloads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicLong bytesDownloaded = new java.util.concurrent.atomic.AtomicLong();
    private final int port;
    private volatile boolean requireAuth;
    private HttpServer server;
    private ExecutorService executor;

    private GcsTestServer(int port, Path dir) {
        this.port = port;
        this.store = new GcsObjectStore(dir);
    }

    /** Starts a server on a free loopback port, keeping object bytes in a new temporary folder that {@link #close()} removes. */
    public static GcsTestServer start() throws IOException {
        GcsTestServer s = new GcsTestServer(0, Files.createTempDirectory("heirloom-gcs-"));
        s.listen(0);
        return s;
    }

    /**
     * Runs a server until the process is stopped, for benchmarks and manual tries:
     * {@code GcsTestServer [--port N] [--dir FOLDER] [--bucket NAME]...}; prints the endpoint.
     * Object bytes live under {@code FOLDER} (default: a new temporary folder), removed when the
     * process is stopped.
     */
    public static void main(String[] args) throws Exception {
        int port = 0;
        Path dir = null;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Files.createDirectories(Path.of(args[++i]));
                case "--bucket" -> names.add(args[++i]);
                default -> throw new IllegalArgumentException("usage: GcsTestServer [--port N] [--dir FOLDER] [--bucket NAME]...");
            }
        }
        GcsTestServer s = new GcsTestServer(port, dir != null ? dir : Files.createTempDirectory("heirloom-gcs-"));
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        s.listen(port);
        names.forEach(s::createBucket);
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
        return bytesUploaded.get();
    }

    /** Object bytes sent by downloads so far (to see what a ranged read fetched). */
    public long bytesDownloaded() {
        return bytesDownloaded.get();
    }

    /** The names of the objects whose bytes were downloaded so far, in order. */
    public List<String> downloads() {
        return List.copyOf(downloads);
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
                error(ex, e.code, e.reason, e.getMessage());
            } catch (RuntimeException e) {
                error(ex, 500, "backendError", String.valueOf(e));
            }
        }
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    private void route(HttpExchange ex) throws IOException, GcsObjectStore.Failure {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
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
                JsonNode body = JSON.readTree(body(ex));
                String name = body.path("name").asText("");
                if (name.isEmpty()) {
                    throw new GcsObjectStore.Failure(400, "invalid", "bucket name required");
                }
                if (!store.createBucket(name)) {
                    throw new GcsObjectStore.Failure(409, "conflict", "Your previous request to create the named bucket succeeded and you already own it.");
                }
                json(ex, 200, bucketJson(name));
                return;
            }
            throw new GcsObjectStore.Failure(405, "methodNotAllowed", method + " " + path);
        }
        String[] parts = rest.substring(1).split("/", 3);
        String bucket = decodePath(parts[0]);
        NavigableMap<String, GcsObjectStore.Stored> objects = store.bucket(bucket);
        if (objects == null) {
            throw GcsObjectStore.Failure.noBucket();
        }
        if (parts.length == 1) {
            if (method.equals("GET")) {
                json(ex, 200, bucketJson(bucket));
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
                upload(ex, bucket, uploadType, q);
            } else if (method.equals("GET")) {
                list(ex, objects, q);
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
            copy(ex, store.get(bucket, decodePath(parts[2].substring(0, at))), decodePath(to[0]), decodePath(to[1]), q,
                    rewrite > 0);
            return;
        }
        String name = decodePath(parts[2]);
        switch (method) {
            case "GET" -> get(ex, bucket, name, q, path.startsWith("/download/"));
            case "DELETE" -> {
                store.delete(bucket, name, q);
                ex.sendResponseHeaders(204, -1);
            }
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
        byte[] body = body(ex);
        ObjectNode meta = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
        Map<String, String> destination = new LinkedHashMap<>(q);
        destination.keySet().removeIf(k -> k.startsWith("ifSource") || k.equals("sourceGeneration"));
        GcsObjectStore.Stored o = store.copy(source, bucket, name, meta, destination);
        if (!rewrite) {
            json(ex, 200, objectJson(o));
            return;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "storage#rewriteResponse");
        n.put("totalBytesRewritten", Long.toString(o.size()));
        n.put("objectSize", Long.toString(o.size()));
        n.put("done", true);
        n.set("resource", objectJson(o));
        json(ex, 200, n);
    }

    private void token(HttpExchange ex) throws IOException, GcsObjectStore.Failure {
        String body = new String(body(ex), StandardCharsets.UTF_8);
        Map<String, String> form = query(body);
        if (!form.containsKey("assertion") && !form.containsKey("refresh_token")) {
            throw new GcsObjectStore.Failure(400, "invalid_grant", "no assertion");
        }
        String token = "ya29.test-" + UUID.randomUUID();
        tokens.add(token);
        ObjectNode n = JSON.createObjectNode();
        n.put("access_token", token);
        n.put("expires_in", 3600);
        n.put("token_type", "Bearer");
        json(ex, 200, n);
    }

    private void get(HttpExchange ex, String bucket, String name, Map<String, String> q, boolean download)
            throws IOException, GcsObjectStore.Failure {
        GcsObjectStore.Stored o = store.get(bucket, name);
        if (q.containsKey("generation") && Long.parseLong(q.get("generation")) != o.generation()) {
            // a bucket without versioning keeps only the live generation
            throw new GcsObjectStore.Failure(404, "notFound", "No such object: " + bucket + "/" + name);
        }
        GcsObjectStore.preconditions(o, q);
        if (!download && !"media".equals(q.get("alt"))) {
            json(ex, 200, objectJson(o));
            return;
        }
        long total = o.size();
        long from = 0;
        long to = total - 1;
        String range = ex.getRequestHeaders().getFirst("Range");
        boolean partial = false;
        if (range != null) {
            Matcher m = RANGE.matcher(range.trim());
            if (m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty())) {
                partial = true;
                if (m.group(1).isEmpty()) {
                    from = Math.max(0, total - Long.parseLong(m.group(2)));
                } else {
                    from = Long.parseLong(m.group(1));
                    if (!m.group(2).isEmpty()) {
                        to = Math.min(to, Long.parseLong(m.group(2)));
                    }
                }
                if (from >= total && total > 0) {
                    ex.getResponseHeaders().set("Content-Range", "bytes */" + total);
                    throw new GcsObjectStore.Failure(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied.");
                }
                if (total == 0) {
                    partial = false;
                }
            }
        }
        var h = ex.getResponseHeaders();
        h.set("Content-Type", o.contentType());
        h.set("X-Goog-Generation", Long.toString(o.generation()));
        h.set("X-Goog-Metageneration", Long.toString(o.metageneration()));
        h.set("X-Goog-Stored-Content-Length", Long.toString(total));
        h.set("X-Goog-Stored-Content-Encoding", "identity");
        h.set("X-Goog-Hash", "crc32c=" + o.crc32c() + ",md5=" + o.md5());
        h.set("ETag", etag(o));
        h.set("Accept-Ranges", "bytes");
        long length = Math.max(0, to - from + 1);
        if (partial) {
            h.set("Content-Range", "bytes " + from + "-" + to + "/" + total);
        }
        FileChannel data;
        try {
            data = FileChannel.open(o.file());
        } catch (NoSuchFileException e) {
            // replaced or deleted since it was looked up: that generation is gone
            throw new GcsObjectStore.Failure(404, "notFound", "No such object: " + bucket + "/" + name);
        }
        try (data) {
            ex.sendResponseHeaders(partial ? 206 : 200, length == 0 ? -1 : length);
            if (length > 0) {
                // counted before sending: a client that has read every byte must find them counted
                downloads.add(o.name());
                bytesDownloaded.addAndGet(length);
                try (OutputStream out = ex.getResponseBody()) {
                    java.nio.channels.WritableByteChannel sink = Channels.newChannel(out);
                    long at = from;
                    while (at <= to) {
                        at += data.transferTo(at, to - at + 1, sink);
                    }
                }
            }
        }
    }

    private void list(HttpExchange ex, NavigableMap<String, GcsObjectStore.Stored> objects, Map<String, String> q) throws IOException {
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.getOrDefault("delimiter", "");
        int max = Math.max(1, Math.min(1000, Integer.parseInt(q.getOrDefault("maxResults", "1000"))));
        String after = q.containsKey("pageToken") && !q.get("pageToken").isEmpty()
                ? new String(Base64.getUrlDecoder().decode(q.get("pageToken")), StandardCharsets.UTF_8) : null;
        String startOffset = q.get("startOffset");
        ArrayNode items = JSON.createArrayNode();
        Set<String> prefixes = new TreeSet<>();
        String last = null;
        boolean more = false;
        NavigableMap<String, GcsObjectStore.Stored> view = after != null ? objects.tailMap(after, false)
                : startOffset != null ? objects.tailMap(startOffset, true) : objects;
        int count = 0;
        for (Map.Entry<String, GcsObjectStore.Stored> e : view.entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(prefix)) {
                if (name.compareTo(prefix) > 0) {
                    break;
                }
                continue;
            }
            String collapsed = null;
            if (!delimiter.isEmpty()) {
                int i = name.indexOf(delimiter, prefix.length());
                if (i >= 0) {
                    collapsed = name.substring(0, i + delimiter.length());
                }
            }
            if (collapsed != null && prefixes.contains(collapsed)) {
                // the rest of a prefix already listed
                last = name;
                continue;
            }
            if (count >= max) {
                more = true;
                break;
            }
            if (collapsed != null) {
                prefixes.add(collapsed);
                count++;
                last = name;
                continue;
            }
            items.add(objectJson(e.getValue()));
            count++;
            last = name;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "storage#objects");
        if (!prefixes.isEmpty()) {
            ArrayNode p = n.putArray("prefixes");
            prefixes.forEach(p::add);
        }
        n.set("items", items);
        if (more && last != null) {
            n.put("nextPageToken", Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        json(ex, 200, n);
    }

    // --- uploads ---

    private void upload(HttpExchange ex, String bucket, String uploadType, Map<String, String> q) throws IOException, GcsObjectStore.Failure {
        String uploadId = q.get("upload_id");
        if (uploadId != null) {
            resumableChunk(ex, uploadId);
            return;
        }
        switch (uploadType) {
            case "media" -> {
                String name = q.get("name");
                if (name == null || name.isEmpty()) {
                    throw new GcsObjectStore.Failure(400, "required", "Required parameter: name");
                }
                byte[] data = body(ex);
                bytesUploaded.addAndGet(data.length);
                ObjectNode meta = JSON.createObjectNode();
                String ct = ex.getRequestHeaders().getFirst("Content-Type");
                if (ct != null) {
                    meta.put("contentType", ct);
                }
                json(ex, 200, objectJson(store.put(bucket, name, meta, q, data, ex.getRequestHeaders().getFirst("X-Goog-Hash"))));
            }
            case "multipart" -> multipart(ex, bucket, q);
            case "resumable" -> {
                byte[] body = body(ex);
                ObjectNode meta = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
                String name = meta.hasNonNull("name") ? meta.get("name").asText() : q.get("name");
                if (name == null || name.isEmpty()) {
                    throw new GcsObjectStore.Failure(400, "required", "Required parameter: name");
                }
                if (!meta.hasNonNull("contentType")) {
                    String ct = ex.getRequestHeaders().getFirst("X-Upload-Content-Type");
                    if (ct != null) {
                        meta.put("contentType", ct);
                    }
                }
                String id = UUID.randomUUID().toString().replace("-", "");
                uploads.put(id, store.open(bucket, name, meta, q));
                ex.getResponseHeaders().set("Location", endpoint() + "/upload/storage/v1/b/" + encodePath(bucket)
                        + "/o?uploadType=resumable&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&upload_id=" + id);
                ex.getResponseHeaders().set("X-GUploader-UploadID", id);
                ex.sendResponseHeaders(200, -1);
            }
            default -> throw new GcsObjectStore.Failure(400, "invalid", "Invalid upload type: " + uploadType);
        }
    }

    private void resumableChunk(HttpExchange ex, String id) throws IOException, GcsObjectStore.Failure {
        GcsObjectStore.Session u = uploads.get(id);
        if (u == null) {
            throw new GcsObjectStore.Failure(404, "notFound", "No such upload session");
        }
        if (ex.getRequestMethod().equals("DELETE")) {
            uploads.remove(id);
            u.discard();
            ex.sendResponseHeaders(499, -1);
            return;
        }
        byte[] body = body(ex);
        synchronized (u) {
            if (u.result != null) {
                json(ex, 200, objectJson(u.result));
                return;
            }
            String cr = ex.getRequestHeaders().getFirst("Content-Range");
            long total = -1;
            if (cr == null) {
                // a whole body in one request
                bytesUploaded.addAndGet(u.append(0, body));
                total = u.received();
            } else {
                Matcher m = CONTENT_RANGE.matcher(cr.trim());
                if (!m.matches()) {
                    throw new GcsObjectStore.Failure(400, "invalid", "Invalid Content-Range: " + cr);
                }
                if (!m.group(3).equals("*")) {
                    total = Long.parseLong(m.group(3));
                }
                if (m.group(1) != null) {
                    long from = Long.parseLong(m.group(1));
                    long to = Long.parseLong(m.group(2));
                    if (to - from + 1 != body.length) {
                        throw new GcsObjectStore.Failure(400, "invalid", "Content-Range " + cr + " does not match a body of " + body.length + " bytes");
                    }
                    bytesUploaded.addAndGet(u.append(from, body));
                } else if (body.length > 0) {
                    throw new GcsObjectStore.Failure(400, "invalid", "Content-Range bytes */N carries no body");
                }
            }
            if (total >= 0 && u.received() > total) {
                throw new GcsObjectStore.Failure(400, "invalid", "more bytes than the declared total " + total);
            }
            if (total >= 0 && u.received() == total) {
                u.result = u.finish(ex.getRequestHeaders().getFirst("X-Goog-Hash"));
                json(ex, 200, objectJson(u.result));
                return;
            }
            if (u.received() > 0) {
                ex.getResponseHeaders().set("Range", "bytes=0-" + (u.received() - 1));
            }
            if ("yes".equalsIgnoreCase(ex.getRequestHeaders().getFirst("X-GUploader-No-308"))) {
                // clients whose HTTP stack follows 308 as a redirect ask for it disguised
                ex.getResponseHeaders().set("X-Http-Status-Code-Override", "308");
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.sendResponseHeaders(308, -1);
            }
        }
    }

    private void multipart(HttpExchange ex, String bucket, Map<String, String> q) throws IOException, GcsObjectStore.Failure {
        String ct = ex.getRequestHeaders().getFirst("Content-Type");
        Matcher bm = ct == null ? null : Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(ct);
        if (bm == null || !bm.find()) {
            throw new GcsObjectStore.Failure(400, "invalid", "multipart upload without a boundary");
        }
        byte[] body = body(ex);
        List<byte[]> parts = GcsMultipartBody.split(body, bm.group(1));
        if (parts.size() != 2) {
            throw new GcsObjectStore.Failure(400, "invalid", "a multipart upload has a metadata part and a media part, not " + parts.size());
        }
        GcsMultipartBody.Part meta = GcsMultipartBody.part(parts.get(0));
        GcsMultipartBody.Part media = GcsMultipartBody.part(parts.get(1));
        ObjectNode metadata = (ObjectNode) JSON.readTree(meta.body());
        if (!metadata.hasNonNull("contentType") && media.headers().containsKey("content-type")) {
            metadata.put("contentType", media.headers().get("content-type"));
        }
        String name = metadata.hasNonNull("name") ? metadata.get("name").asText() : q.get("name");
        if (name == null || name.isEmpty()) {
            throw new GcsObjectStore.Failure(400, "required", "Required parameter: name");
        }
        bytesUploaded.addAndGet(media.body().length);
        json(ex, 200, objectJson(store.put(bucket, name, metadata, q, media.body(), ex.getRequestHeaders().getFirst("X-Goog-Hash"))));
    }

    // --- JSON and encoding ---

    private ObjectNode bucketJson(String name) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "storage#bucket");
        n.put("id", name);
        n.put("name", name);
        n.put("selfLink", endpoint() + "/storage/v1/b/" + encodePath(name));
        n.put("projectNumber", "0");
        n.put("metageneration", "1");
        n.put("location", "US");
        n.put("storageClass", "STANDARD");
        n.put("etag", "CAE=");
        n.put("timeCreated", "2026-01-01T00:00:00.000Z");
        n.put("updated", "2026-01-01T00:00:00.000Z");
        return n;
    }

    private ObjectNode objectJson(GcsObjectStore.Stored o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "storage#object");
        n.put("id", o.bucket() + "/" + o.name() + "/" + o.generation());
        n.put("selfLink", endpoint() + "/storage/v1/b/" + encodePath(o.bucket()) + "/o/" + encodePath(o.name()));
        n.put("mediaLink", endpoint() + "/download/storage/v1/b/" + encodePath(o.bucket()) + "/o/" + encodePath(o.name())
                + "?generation=" + o.generation() + "&alt=media");
        n.put("name", o.name());
        n.put("bucket", o.bucket());
        n.put("generation", Long.toString(o.generation()));
        n.put("metageneration", Long.toString(o.metageneration()));
        n.put("contentType", o.contentType());
        n.put("storageClass", "STANDARD");
        n.put("size", Long.toString(o.size()));
        n.put("md5Hash", o.md5());
        n.put("crc32c", o.crc32c());
        n.put("etag", etag(o));
        n.put("timeCreated", o.created().toString());
        n.put("updated", o.created().toString());
        n.put("timeStorageClassUpdated", o.created().toString());
        if (!o.metadata().isEmpty()) {
            ObjectNode m = n.putObject("metadata");
            o.metadata().forEach(m::put);
        }
        return n;
    }

    private static String etag(GcsObjectStore.Stored o) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(o.generation()).array());
    }

    private static void json(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void error(HttpExchange ex, int code, String reason, String message) throws IOException {
        // drain what the client sent so the connection can be reused
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException ignored) {
            // the client went away
        }
        ObjectNode n = JSON.createObjectNode();
        ObjectNode e = n.putObject("error");
        e.put("code", code);
        e.put("message", message);
        ObjectNode detail = e.putArray("errors").addObject();
        detail.put("domain", "global");
        detail.put("reason", reason);
        detail.put("message", message);
        json(ex, code, n);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private static String decodePath(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encodePath(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
