package dev.heirloom.spi;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes a new local file front to back, leaving a hole instead of writing each 64 KiB block that
 * is all zeros (where the file system keeps holes, as ext4, XFS, btrfs, APFS and NTFS do): a
 * sparse disk image or a recorder's pre-allocated file takes the space its data takes, not its
 * full length in zeros. Reading it gives the same bytes either way. For restore, and for providers
 * that store objects as local files.
 */
public final class SparseFileWriter implements AutoCloseable {
    /** The size of the blocks left as holes when all zeros. */
    private static final int BLOCK = 64 * 1024;
    private static final byte[] ZEROS = new byte[BLOCK];

    private final FileChannel channel;
    private long position;

    /** Creates the file; it must not exist. */
    public SparseFileWriter(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Writes the next bytes of the file. */
    public void write(byte[] buffer, int offset, int length) throws IOException {
        int end = offset + length;
        int at = offset;
        int dataFrom = offset; // start of the bytes not yet written, written in one call per run
        long dataPosition = position;
        while (at < end) {
            // whole blocks of the file, so that holes line up with the file system's blocks
            int n = (int) Math.min(BLOCK - position % BLOCK, end - at);
            if (n == BLOCK && Arrays.mismatch(buffer, at, at + n, ZEROS, 0, n) < 0) {
                writeAt(buffer, dataFrom, at - dataFrom, dataPosition);
                dataFrom = at + n;
                dataPosition = position + n;
            }
            position += n;
            at += n;
        }
        writeAt(buffer, dataFrom, end - dataFrom, dataPosition);
    }

    private void writeAt(byte[] buffer, int from, int length, long at) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buffer, from, length);
        long p = at;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }

    /** Makes what was written durable (fsync). */
    public void force() throws IOException {
        channel.force(true);
    }

    /** Gives the file its full length and closes it. */
    @Override
    public void close() throws IOException {
        try {
            if (channel.size() < position) {
                // the file ends in a hole: its last byte, written, sets the length (FileChannel
                // cannot extend a file otherwise); it costs one block
                channel.write(ByteBuffer.wrap(new byte[1]), position - 1);
            }
        } finally {
            channel.close();
        }
    }
}
