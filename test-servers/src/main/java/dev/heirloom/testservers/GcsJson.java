package dev.heirloom.testservers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The GCS test server's wire format: resources as the JSON API describes them, errors, query strings, paths. */
final class GcsJson {
    static final ObjectMapper JSON = new ObjectMapper();

    private GcsJson() {
    }

    /** A request body, gunzipped when the client sent it compressed. */
    static byte[] body(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readAllBytes();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            try (InputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                return in.readAllBytes();
            }
        }
        return raw;
    }

    static ObjectNode bucket(String endpoint, String name, boolean objectRetention, java.time.Duration policy) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "storage#bucket");
        n.put("id", name);
        n.put("name", name);
        n.put("selfLink", endpoint + "/storage/v1/b/" + encodePath(name));
        n.put("projectNumber", "0");
        n.put("metageneration", "1");
        n.put("location", "US");
        n.put("storageClass", "STANDARD");
        n.put("etag", "CAE=");
        n.put("timeCreated", "2026-01-01T00:00:00.000Z");
        n.put("updated", "2026-01-01T00:00:00.000Z");
        if (objectRetention) {
            n.putObject("objectRetention").put("mode", "Enabled");
        }
        if (policy != null) {
            ObjectNode r = n.putObject("retentionPolicy");
            r.put("retentionPeriod", Long.toString(policy.toSeconds()));
            r.put("effectiveTime", "2026-01-01T00:00:00.000Z");
        }
        return n;
    }

    static ObjectNode object(String endpoint, GcsObjectStore.Stored o) {
        ObjectNode n = JSON.createObjectNode();
        n.put("kind", "storage#object");
        n.put("id", o.bucket() + "/" + o.name() + "/" + o.generation());
        n.put("selfLink", endpoint + "/storage/v1/b/" + encodePath(o.bucket()) + "/o/" + encodePath(o.name()));
        n.put("mediaLink", endpoint + "/download/storage/v1/b/" + encodePath(o.bucket()) + "/o/" + encodePath(o.name())
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
        if (o.retentionExpiration() != null) {
            n.put("retentionExpirationTime", o.retentionExpiration().toString());
        }
        if (o.retention() != null) {
            ObjectNode r = n.putObject("retention");
            r.put("mode", o.retention().mode());
            r.put("retainUntilTime", o.retention().until().toString());
        }
        if (!o.metadata().isEmpty()) {
            ObjectNode m = n.putObject("metadata");
            o.metadata().forEach(m::put);
        }
        return n;
    }

    static String etag(GcsObjectStore.Stored o) {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(8).putLong(o.generation()).array());
    }

    static void send(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void error(HttpExchange ex, int code, String reason, String message) throws IOException {
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
        send(ex, code, n);
    }

    static Map<String, String> query(String raw) {
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

    static String decodePath(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String encodePath(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
