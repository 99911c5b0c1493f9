package dev.heirloom.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The floor of a local backup on this machine: every file copied once with SHA-256 computed on the
 * way and fsync per file, on a few threads, with nothing else (no repository, no snapshot). The
 * harness times it beside Heirloom and the peers so that a missed goal can be told apart from a
 * limit of the disk. Usage: {@code BareCopy SOURCE DEST [THREADS [one-sync]]}: with {@code one-sync}
 * no file is flushed on its own (the harness syncs the file system once at the end) and the copies
 * are spread over 256 folders, the floor for many small files.
 */
public final class BareCopy {
    private BareCopy() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        Path dest = Files.createDirectories(Path.of(args[1]));
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        boolean oneSync = args.length > 3 && args[3].equals("one-sync");
        if (oneSync) {
            for (int k = 0; k < 256; k++) {
                Files.createDirectories(dest.resolve(Integer.toHexString(k)));
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(source)) {
            files = s.filter(Files::isRegularFile).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<String>> hashes = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path in = files.get(i);
            Path out = (oneSync ? dest.resolve(Integer.toHexString(i % 256)) : dest).resolve(i + "-" + in.getFileName());
            hashes.add(pool.submit(() -> copy(in, out, !oneSync)));
        }
        try {
            for (Future<String> h : hashes) {
                h.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String copy(Path in, Path out, boolean force) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 20];
        try (InputStream from = Files.newInputStream(in);
             FileChannel to = FileChannel.open(out, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = from.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    to.write(b);
                }
            }
            if (force) {
                to.force(true);
            }
        } catch (IOException e) {
            throw new IOException("copying " + in + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
