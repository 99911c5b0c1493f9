package dev.heirloom.testservers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * The GCS test server's uploads: media and multipart in one request, resumable sessions
 * ({@code Content-Range: bytes a-b/*}, 308 with {@code Range}, status queries with
 * {@code bytes *}{@code /N}, the final chunk answered with the object).
 */
final class GcsUploads {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

    private final GcsObjectStore store;
    private final Supplier<String> endpoint;
    private final Map<String, GcsObjectStore.Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong bytesUploaded = new AtomicLong();

    GcsUploads(GcsObjectStore store, Supplier<String> endpoint) {
        this.store = store;
        this.endpoint = endpoint;
    }

    /** Body bytes received by uploads so far. */
    long bytesUploaded() {
        return bytesUploaded.get();
    }

    /** Handles {@code POST/PUT /upload/storage/v1/b/BUCKET/o?uploadType=...}: media, multipart, resumable start and chunks. */
    void handle(HttpExchange ex, String bucket, String uploadType, Map<String, String> q) throws IOException, GcsObjectStore.Failure {
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
                byte[] data = GcsJson.body(ex);
                bytesUploaded.addAndGet(data.length);
                ObjectNode meta = GcsJson.JSON.createObjectNode();
                String ct = ex.getRequestHeaders().getFirst("Content-Type");
                if (ct != null) {
                    meta.put("contentType", ct);
                }
                GcsJson.send(ex, 200, GcsJson.object(endpoint.get(), store.put(bucket, name, meta, q, data, ex.getRequestHeaders().getFirst("X-Goog-Hash"))));
            }
            case "multipart" -> multipart(ex, bucket, q);
            case "resumable" -> {
                byte[] body = GcsJson.body(ex);
                ObjectNode meta = body.length == 0 ? GcsJson.JSON.createObjectNode() : (ObjectNode) GcsJson.JSON.readTree(body);
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
                sessions.put(id, store.open(bucket, name, meta, q));
                ex.getResponseHeaders().set("Location", endpoint.get() + "/upload/storage/v1/b/" + GcsJson.encodePath(bucket)
                        + "/o?uploadType=resumable&name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&upload_id=" + id);
                ex.getResponseHeaders().set("X-GUploader-UploadID", id);
                ex.sendResponseHeaders(200, -1);
            }
            default -> throw new GcsObjectStore.Failure(400, "invalid", "Invalid upload type: " + uploadType);
        }
    }

    private void resumableChunk(HttpExchange ex, String id) throws IOException, GcsObjectStore.Failure {
        GcsObjectStore.Session u = sessions.get(id);
        if (u == null) {
            throw new GcsObjectStore.Failure(404, "notFound", "No such upload session");
        }
        if (ex.getRequestMethod().equals("DELETE")) {
            sessions.remove(id);
            u.discard();
            ex.sendResponseHeaders(499, -1);
            return;
        }
        InputStream body = "gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(ex.getRequestBody()) : ex.getRequestBody();
        synchronized (u) {
            if (u.result != null) {
                GcsJson.send(ex, 200, GcsJson.object(endpoint.get(), u.result));
                return;
            }
            String cr = ex.getRequestHeaders().getFirst("Content-Range");
            long total = -1;
            if (cr == null) {
                // a whole body in one request
                bytesUploaded.addAndGet(u.append(0, body, -1));
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
                    bytesUploaded.addAndGet(u.append(from, body, to - from + 1));
                } else if (body.read() >= 0) {
                    throw new GcsObjectStore.Failure(400, "invalid", "Content-Range bytes */N carries no body");
                }
            }
            if (total >= 0 && u.received() > total) {
                throw new GcsObjectStore.Failure(400, "invalid", "more bytes than the declared total " + total);
            }
            if (total >= 0 && u.received() == total) {
                u.result = u.finish(ex.getRequestHeaders().getFirst("X-Goog-Hash"));
                GcsJson.send(ex, 200, GcsJson.object(endpoint.get(), u.result));
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
        byte[] body = GcsJson.body(ex);
        List<byte[]> parts = GcsMultipartBody.split(body, bm.group(1));
        if (parts.size() != 2) {
            throw new GcsObjectStore.Failure(400, "invalid", "a multipart upload has a metadata part and a media part, not " + parts.size());
        }
        GcsMultipartBody.Part meta = GcsMultipartBody.part(parts.get(0));
        GcsMultipartBody.Part media = GcsMultipartBody.part(parts.get(1));
        ObjectNode metadata = (ObjectNode) GcsJson.JSON.readTree(meta.body());
        if (!metadata.hasNonNull("contentType") && media.headers().containsKey("content-type")) {
            metadata.put("contentType", media.headers().get("content-type"));
        }
        String name = metadata.hasNonNull("name") ? metadata.get("name").asText() : q.get("name");
        if (name == null || name.isEmpty()) {
            throw new GcsObjectStore.Failure(400, "required", "Required parameter: name");
        }
        bytesUploaded.addAndGet(media.body().length);
        GcsJson.send(ex, 200, GcsJson.object(endpoint.get(), store.put(bucket, name, metadata, q, media.body(), ex.getRequestHeaders().getFirst("X-Goog-Hash"))));
    }
}
