package dev.heirloom.provider.vfs;

import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.TargetConfig;
import dev.heirloom.spi.WriteOptions;

import java.io.InputStream;
import java.net.URI;
import java.util.Map;

/**
 * A client to kill: writes one large object whose content arrives slowly (the test kills this
 * process half way). Arguments: target URI, password, key, size.
 */
public final class SlowUpload {
    private SlowUpload() {
    }

    public static void main(String[] args) {
        long size = Long.parseLong(args[3]);
        ContentSource slow = new ContentSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new InputStream() {
                    private long sent;

                    @Override
                    public int read() {
                        return sent++ < size ? 'x' : -1;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (sent >= size) {
                            return -1;
                        }
                        if (sent > size / 4) {
                            try {
                                Thread.sleep(50);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        int n = (int) Math.min(Math.min(len, 64 * 1024), size - sent);
                        java.util.Arrays.fill(b, off, off + n, (byte) 'x');
                        sent += n;
                        return n;
                    }
                };
            }
        };
        var provider = args[0].startsWith("vfs+webdav4") ? new WebdavVfsProvider() : new FtpVfsProvider();
        try (var target = provider.open(new TargetConfig(URI.create(args[0]), Map.of("password", args[1])))) {
            System.out.println("writing");
            target.write(args[2], slow, WriteOptions.replace(Checksums.none()));
            System.out.println("done");
        }
    }
}
