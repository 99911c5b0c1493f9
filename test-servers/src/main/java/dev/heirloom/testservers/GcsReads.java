package dev.heirloom.testservers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The GCS test server's reads: object metadata and bytes (ranges streamed from disk), and listings. */
final class GcsReads {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final GcsObjectStore store;
    private final Supplier<String> endpoint;
    private final List<String> downloads = new CopyOnWriteArrayList<>();
    private final AtomicLong bytesDownloaded = new AtomicLong();

    GcsReads(GcsObjectStore store, Supplier<String> endpoint) {
        this.store = store;
        this.endpoint = endpoint;
    }

    /** Object bytes sent by downloads so far. */
    long bytesDownloaded() {
        return bytesDownloaded.get();
    }

    /** The names of the objects whose bytes were downloaded so far, in order. */
    List<String> downloads() {
        return List.copyOf(downloads);
    }

    /** An object's metadata, or with {@code alt=media} (or the download path) its bytes, honouring {@code Range}. */
    void get(HttpExchange ex, String bucket, String name, Map<String, String> q, boolean download)
            throws IOException, GcsObjectStore.Failure {
        GcsObjectStore.Stored o = store.get(bucket, name);
        if (q.containsKey("generation") && Long.parseLong(q.get("generation")) != o.generation()) {
            // a bucket without versioning keeps only the live generation
            throw new GcsObjectStore.Failure(404, "notFound", "No such object: " + bucket + "/" + name);
        }
        GcsObjectStore.preconditions(o, q);
        if (!download && !"media".equals(q.get("alt"))) {
            GcsJson.send(ex, 200, GcsJson.object(endpoint.get(), o));
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
        h.set("ETag", GcsJson.etag(o));
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

    /** A page of a bucket's objects: {@code prefix}, {@code delimiter}, {@code pageToken}, {@code maxResults}, {@code startOffset}. */
    void list(HttpExchange ex, NavigableMap<String, GcsObjectStore.Stored> objects, Map<String, String> q) throws IOException {
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.getOrDefault("delimiter", "");
        int max = Math.max(1, Math.min(1000, Integer.parseInt(q.getOrDefault("maxResults", "1000"))));
        String after = q.containsKey("pageToken") && !q.get("pageToken").isEmpty()
                ? new String(Base64.getUrlDecoder().decode(q.get("pageToken")), StandardCharsets.UTF_8) : null;
        String startOffset = q.get("startOffset");
        ArrayNode items = GcsJson.JSON.createArrayNode();
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
            items.add(GcsJson.object(endpoint.get(), e.getValue()));
            count++;
            last = name;
        }
        ObjectNode n = GcsJson.JSON.createObjectNode();
        n.put("kind", "storage#objects");
        if (!prefixes.isEmpty()) {
            ArrayNode p = n.putArray("prefixes");
            prefixes.forEach(p::add);
        }
        n.set("items", items);
        if (more && last != null) {
            n.put("nextPageToken", Base64.getUrlEncoder().withoutPadding().encodeToString(last.getBytes(StandardCharsets.UTF_8)));
        }
        GcsJson.send(ex, 200, n);
    }
}
