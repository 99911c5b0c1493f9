package dev.heirloom.bench;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpException;

import java.io.InputStream;
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
 * The floor of an SFTP backup on this machine: every file uploaded once with JSch over a few
 * parallel sessions with the same request pipelining as provider-sftp, and nothing else (no
 * hashing, no temporary names, no repository). Host keys are checked against the given file.
 * Usage: {@code BareSftpUpload SOURCE USER HOST PORT IDENTITY KNOWN_HOSTS REMOTE_DIR [SESSIONS]}.
 */
public final class BareSftpUpload {
    private BareSftpUpload() {
    }

    public static void main(String[] args) throws Exception {
        Path source = Path.of(args[0]);
        String user = args[1];
        String host = args[2];
        int port = Integer.parseInt(args[3]);
        String identity = args[4];
        String knownHosts = args[5];
        String remote = args[6];
        int sessions = args.length > 7 ? Integer.parseInt(args[7]) : 4;
        ConcurrentLinkedQueue<Path> files = new ConcurrentLinkedQueue<>();
        try (Stream<Path> s = Files.walk(source)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<Void>> done = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            int slot = i;
            done.add(pool.submit(() -> {
                JSch jsch = new JSch();
                jsch.addIdentity(identity);
                jsch.setKnownHosts(knownHosts);
                Session session = jsch.getSession(user, host, port);
                session.connect(30_000);
                ChannelSftp ch = (ChannelSftp) session.openChannel("sftp");
                ch.connect(30_000);
                ch.setBulkRequests(64);
                String dir = remote + "/" + slot;
                mkdirs(ch, dir);
                Path f;
                int n = 0;
                while ((f = files.poll()) != null) {
                    try (InputStream in = Files.newInputStream(f)) {
                        ch.put(in, dir + "/" + (n++) + "-" + f.getFileName());
                    }
                }
                ch.disconnect();
                session.disconnect();
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

    private static void mkdirs(ChannelSftp ch, String dir) throws SftpException {
        StringBuilder path = new StringBuilder();
        for (String part : dir.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            path.append('/').append(part);
            try {
                ch.stat(path.toString());
            } catch (SftpException missing) {
                try {
                    ch.mkdir(path.toString());
                } catch (SftpException e) {
                    ch.stat(path.toString()); // another session made it meanwhile; else this throws
                }
            }
        }
    }
}
