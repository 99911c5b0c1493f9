package dev.heirloom.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The floor of a backup to a GCS JSON-API endpoint from a JVM on this machine: every file
 * uploaded once with {@code java.net.http}, as provider-gcs sends it (up to one chunk in one
 * multipart request, larger files by a resumable session in chunks), on parallel workers, and
 * nothing else: no hashing, no staging, no existence checks, no repository. Anonymous (a test
 * server). Usage: {@code BareGcsUpload SOURCE ENDPOINT BUCKET PREFIX [WORKERS] [CHUNK_MIB]}.
 */
public final class BareGcsUpload {
    private BareGcsUpload() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        String endpoint = args[1].replaceAll("/+$", "");
        String bucket = args[2];
        String prefix = args[3];
        int workers = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        int chunk = (args.length > 5 ? Integer.parseInt(args[5]) : 16) * 1024 * 1024;
        ConcurrentLinkedQueue<Path> files = new ConcurrentLinkedQueue<>();
        try (Stream<Path> s = Files.walk(source)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        HttpClient http = HttpClient.newHttpClient();
        String uploads = endpoint + "/upload/storage/v1/b/" + URLEncoder.encode(bucket, StandardCharsets.UTF_8) + "/o";
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        List<Future<Void>> done = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            int slot = i;
            done.add(pool.submit(() -> {
                byte[] buffer = new byte[chunk];
                Path f;
                int n = 0;
                while ((f = files.poll()) != null) {
                    String name = prefix + "/" + slot + "/" + (n++) + "-" + f.getFileName();
                    long size = Files.size(f);
                    try (InputStream in = Files.newInputStream(f)) {
                        if (size <= chunk) {
                            single(http, uploads, name, in.readNBytes((int) size));
                        } else {
                            resumable(http, uploads, name, in, size, buffer);
                        }
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<Void> d : done) {
                d.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void single(HttpClient http, String uploads, String name, byte[] data) throws Exception {
        String boundary = "bare-boundary";
        byte[] head = ("--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{\"name\":\""
                + name.replace("\"", "\\\"") + "\"}\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(uploads + "?uploadType=multipart"))
                .header("Content-Type", "multipart/related; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head),
                        HttpRequest.BodyPublishers.ofByteArray(data), HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build(), HttpResponse.BodyHandlers.discarding());
        check(r, name);
    }

    private static void resumable(HttpClient http, String uploads, String name, InputStream in, long size, byte[] buffer)
            throws Exception {
        HttpResponse<Void> start = http.send(HttpRequest.newBuilder(URI.create(uploads + "?uploadType=resumable"))
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("X-Upload-Content-Length", Long.toString(size))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name.replace("\"", "\\\"") + "\"}")).build(),
                HttpResponse.BodyHandlers.discarding());
        check(start, name);
        URI session = URI.create(start.headers().firstValue("Location").orElseThrow());
        long sent = 0;
        while (sent < size) {
            int count = in.readNBytes(buffer, 0, buffer.length);
            boolean last = sent + count >= size;
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(session)
                    .header("Content-Range", "bytes " + sent + "-" + (sent + count - 1) + "/" + (last ? Long.toString(size) : "*"))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(buffer, 0, count)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 308) {
                check(r, name);
            }
            sent += count;
        }
    }

    private static void check(HttpResponse<Void> r, String name) throws IOException {
        if (r.statusCode() != 200 && r.statusCode() != 201) {
            throw new IOException("upload of " + name + " answered HTTP " + r.statusCode());
        }
    }
}
