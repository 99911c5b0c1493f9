package dev.heirloom.provider.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.heirloom.spi.BulkInputStream;
import dev.heirloom.spi.ChecksumAlgorithm;
import dev.heirloom.spi.ChecksumMismatchException;
import dev.heirloom.spi.Checksums;
import dev.heirloom.spi.ContentSource;
import dev.heirloom.spi.ObjectExistsException;
import dev.heirloom.spi.ObjectInfo;
import dev.heirloom.spi.StagedObject;
import dev.heirloom.spi.StorageException;
import dev.heirloom.spi.WriteOptions;
import dev.heirloom.spi.WriteVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static dev.heirloom.provider.sftp.SftpChannels.lstat;
import static dev.heirloom.provider.sftp.SftpChannels.quote;
import static dev.heirloom.provider.sftp.SftpChannels.removeQuietly;

/**
 * How bytes reach an SFTP repository whole or not at all: each upload goes to a temporary name in
 * its folder and is published only once the bytes sent match the declared size and checksums —
 * with {@code hardlink@openssh.com} (fails when the name exists) for create-if-absent, with
 * {@code posix-rename@openssh.com} for an atomic replace. Without hard links, a plain SFTP rename
 * (which OpenSSH refuses over an existing name) serves if-absent when the server lacks posix-rename;
 * otherwise if-absent is check-then-rename.
 *
 * <p>Content whose bytes have a name (an expected SHA-256, or {@link ContentSource#identity()}) of
 * at least {@link #RESUME_FROM} bytes uploads to a temporary name derived from it, so an upload cut
 * short by a dropped connection or a killed process continues on the next try: the bytes already on
 * the server are compared with the source before the rest is appended. Staged content the same way,
 * under its stage name in the repository's root. Thread-safe.
 */
final class SftpUploads {
    private static final Logger LOG = LoggerFactory.getLogger(SftpUploads.class);
    private static final String PART = ".heirloom-part-";
    private static final String TMP = ".heirloom-tmp-";
    private static final String STAGE = ".heirloom-part-stage-";
    /** Objects from this size on resume an interrupted upload; smaller ones are sent again. */
    static final long RESUME_FROM = 8L << 20;
    /** A staged upload untouched this long was abandoned (a resumed run would have finished it). */
    static final Duration STAGE_KEPT = Duration.ofDays(7);

    private final SftpChannels channels;
    private final SftpSync sync;
    private final String root;
    private final boolean hardlink;
    private final boolean posixRename;
    private final Set<String> knownFolders = ConcurrentHashMap.newKeySet();
    private final AtomicLong resumedBytes = new AtomicLong();

    /**
     * @param root        the repository's folder on the server
     * @param hardlink    whether the server offers {@code hardlink@openssh.com}
     * @param posixRename whether it offers {@code posix-rename@openssh.com}
     */
    SftpUploads(SftpChannels channels, SftpSync sync, String root, boolean hardlink, boolean posixRename) {
        this.channels = channels;
        this.sync = sync;
        this.root = root;
        this.hardlink = hardlink;
        this.posixRename = posixRename;
    }

    /** Bytes that resumed uploads did not have to send again. */
    long resumedBytes() {
        return resumedBytes.get();
    }

    /** Stores {@code content} as the object {@code key} at {@code target} (its path), as {@code StorageTarget.write} says. */
    ObjectInfo write(String key, String target, ContentSource content, WriteOptions options) {
        String folder = target.substring(0, target.lastIndexOf('/'));
        // the name of exactly these bytes: their SHA-256, or for ciphertext made the same on every try its identity
        Optional<String> sameBytes = options.expected().get(ChecksumAlgorithm.SHA256).or(content::identity);
        // only an object large enough to be worth resuming gets a name the next try can find; the
        // probe for a partial upload costs a round trip, which for a photo is a large share
        boolean resumable = sameBytes.isPresent() && content.size() >= RESUME_FROM;
        String temp = folder + "/" + (resumable ? PART + sameBytes.get() + "-" + content.size()
                : TMP + UUID.randomUUID());
        try {
            return channels.runOn("write " + key, true, c -> write(c, key, content, options, target, folder, temp,
                    resumable));
        } catch (StorageException e) {
            if (!resumable && !(e instanceof ObjectExistsException)) {
                channels.removeQuietly(temp);
            }
            throw e;
        }
    }

    private ObjectInfo write(SftpConnections.Connection c, String key, ContentSource content, WriteOptions options,
                             String target, String folder, String temp, boolean resumable)
            throws SftpException, IOException {
        ChannelSftp ch = c.channel();
        // publishing if-absent fails anyway when the key exists; asking first saves a large upload,
        // but for a small one the extra round trip costs more than the rare wasted upload (core
        // asks before it writes)
        if (options.ifAbsent() && resumable && lstat(ch, target) != null) {
            throw new ObjectExistsException(key);
        }
        makeFolders(ch, folder);
        try {
            upload(ch, key, content, options.expected(), temp, resumable);
            sync.file(c, temp);
            return publishAndDescribe(ch, key, temp, target, options.ifAbsent(), content.size());
        } catch (ChecksumMismatchException | ObjectExistsException e) {
            removeQuietly(ch, temp);
            throw e;
        }
    }

    /**
     * Uploads to a name derived from {@code stageName} in the repository's root, so that an upload
     * cut off by a dropped connection or a killed process resumes from what the server has (the
     * part already there is compared with the source first). Publishing is a hard link (or rename).
     *
     * @param path the path of an object key
     */
    StagedObject stage(String stageName, ContentSource content, UnaryOperator<String> path) {
        if (!stageName.matches("[0-9a-z-]{1,64}")) {
            throw new IllegalArgumentException("a stage name is 1 to 64 characters of [0-9a-z-]");
        }
        String temp = root + "/" + STAGE + stageName + "-" + content.size();
        try {
            channels.runOn("stage " + stageName, true, c -> {
                upload(c.channel(), stageName, content, Checksums.none(), temp, true);
                sync.file(c, temp);
                return null;
            });
        } catch (ChecksumMismatchException e) {
            channels.removeQuietly(temp);
            throw e;
        } catch (StorageException e) {
            if (!e.isTransient()) {
                channels.removeQuietly(temp);
            }
            throw e;
        }
        return StagedObject.of(content.size(), (key, options) -> {
            options.refuseLock("an SFTP server");
            String target = path.apply(key);
            return channels.run("publish " + key, ch -> {
                makeFolders(ch, target.substring(0, target.lastIndexOf('/')));
                return publishAndDescribe(ch, key, temp, target, options.ifAbsent(), content.size());
            });
        }, () -> channels.removeQuietly(temp));
    }

    /**
     * Every staged upload in the root, and every temporary a write left beside its key (a partial
     * upload of a large file that no run resumed, a killed run's small ones): under the exclusive
     * lock nothing is uploading. Walks every folder of the repository.
     */
    long removeInterruptedUploads() {
        return channels.run("remove interrupted uploads", ch -> removeTemporaries(ch, root));
    }

    /** Removes the temporaries of writes and stagings in {@code folder} and the folders below it; the bytes freed. */
    private long removeTemporaries(ChannelSftp ch, String folder) throws SftpException {
        List<String> folders = new ArrayList<>();
        java.util.Map<String, Long> temporaries = new java.util.LinkedHashMap<>();
        ch.ls(quote(folder), entry -> {
            String name = entry.getFilename();
            SftpATTRS a = entry.getAttrs();
            if (a.isDir() && !name.equals(".") && !name.equals("..") && !name.startsWith(SftpTarget.RESERVED)) {
                folders.add(name);
            } else if (a.isReg() && (name.startsWith(TMP) || name.startsWith(PART))) { // PART: staged ones too
                temporaries.put(name, a.getSize());
            }
            return ChannelSftp.LsEntrySelector.CONTINUE;
        });
        long freed = 0;
        for (java.util.Map.Entry<String, Long> t : temporaries.entrySet()) {
            ch.rm(quote(folder + "/" + t.getKey()));
            freed += t.getValue();
            LOG.info("{}: removed {}/{}, an upload an interrupted run left", channels.address(), folder, t.getKey());
        }
        for (String f : folders) {
            freed += removeTemporaries(ch, folder + "/" + f);
        }
        return freed;
    }

    /**
     * Removes staged uploads in the root last written before {@code before}: at open, those nobody
     * resumed for {@link #STAGE_KEPT}.
     *
     * @return the bytes freed
     */
    static long removeStages(ChannelSftp ch, String root, String address, Instant before) {
        long limit = before.getEpochSecond();
        java.util.Map<String, Long> abandoned = new java.util.LinkedHashMap<>();
        long freed = 0;
        try {
            ch.ls(quote(root), entry -> {
                if (entry.getFilename().startsWith(STAGE) && entry.getAttrs().isReg()
                        && entry.getAttrs().getMTime() < limit) {
                    abandoned.put(entry.getFilename(), entry.getAttrs().getSize());
                }
                return ChannelSftp.LsEntrySelector.CONTINUE;
            });
            for (java.util.Map.Entry<String, Long> e : abandoned.entrySet()) {
                ch.rm(quote(root + "/" + e.getKey()));
                freed += e.getValue();
                LOG.info("{}: removed {}/{}, an upload an interrupted run left", address, root, e.getKey());
            }
        } catch (SftpException e) {
            LOG.debug("{}: cannot clean up abandoned uploads in {}: {}", address, root, e.getMessage());
        }
        return freed;
    }

    private void upload(ChannelSftp ch, String key, ContentSource content, Checksums expected, String temp,
                        boolean resumable) throws SftpException, IOException {
        WriteVerifier verifier = new WriteVerifier(key, content, expected);
        long offset = 0;
        InputStream source = content.open();
        try {
            SftpATTRS partial = resumable ? lstat(ch, temp) : null;
            if (partial != null && partial.isReg() && partial.getSize() > 0 && partial.getSize() <= content.size()
                    && samePrefix(ch, temp, partial.getSize(), source, verifier)) {
                offset = partial.getSize();
                resumedBytes.addAndGet(offset);
                LOG.info("{}: resuming the upload of {} at byte {} of {}", channels.address(), key, offset, content.size());
            } else if (partial != null) {
                source.close();
                source = content.open();
                verifier = new WriteVerifier(key, content, expected);
            }
            ch.put(new VerifyingStream(source, verifier), quote(temp), null, offset > 0 ? ChannelSftp.APPEND : ChannelSftp.OVERWRITE);
        } finally {
            source.close();
        }
        verifier.verify();
    }

    /** Compares the partial upload with the start of the source, feeding the digest with the source bytes. */
    private boolean samePrefix(ChannelSftp ch, String temp, long length, InputStream source, WriteVerifier verifier)
            throws SftpException, IOException {
        byte[] local = new byte[256 * 1024];
        byte[] remote = new byte[local.length];
        try (InputStream in = ch.get(quote(temp))) {
            long left = length;
            while (left > 0) {
                int n = (int) Math.min(local.length, left);
                int got = source.readNBytes(local, 0, n);
                int theirs = in.readNBytes(remote, 0, n);
                if (got != n || theirs != n || !java.util.Arrays.equals(local, 0, n, remote, 0, n)) {
                    LOG.info("{}: the partial upload {} does not match the source; starting over", channels.address(), temp);
                    return false;
                }
                verifier.update(local, 0, n);
                left -= n;
            }
        }
        return true;
    }

    /** Publishes and describes the object by what is known: no round trip to ask its time (a small file's share is large). */
    private ObjectInfo publishAndDescribe(ChannelSftp ch, String key, String temp, String target, boolean ifAbsent,
                                          long size) throws SftpException {
        publish(ch, key, temp, target, ifAbsent);
        sync.named(target.substring(0, target.lastIndexOf('/')));
        return ObjectInfo.of(key, size);
    }

    private void publish(ChannelSftp ch, String key, String temp, String target, boolean ifAbsent) throws SftpException {
        if (ifAbsent) {
            if (hardlink) {
                try {
                    ch.hardlink(quote(temp), quote(target));
                } catch (SftpException e) {
                    if (lstat(ch, target) != null) {
                        throw new ObjectExistsException(key);
                    }
                    throw e;
                }
                ch.rm(quote(temp));
                return;
            }
            if (posixRename && lstat(ch, target) != null) {
                throw new ObjectExistsException(key);
            }
            try {
                ch.rename(quote(temp), quote(target));
            } catch (SftpException e) {
                if (lstat(ch, target) != null) {
                    throw new ObjectExistsException(key);
                }
                throw e;
            }
            return;
        }
        if (!posixRename && lstat(ch, target) != null) {
            ch.rm(quote(target));
        }
        ch.rename(quote(temp), quote(target));
    }

    /** Creates {@code folder} and its missing parents below the root (each known one asked once). */
    void makeFolders(ChannelSftp ch, String folder) throws SftpException {
        if (folder.equals(root) || knownFolders.contains(folder)) {
            return;
        }
        List<String> missing = new ArrayList<>();
        String current = folder;
        while (!current.equals(root) && !knownFolders.contains(current) && lstat(ch, current) == null) {
            missing.add(0, current);
            current = current.substring(0, current.lastIndexOf('/'));
        }
        for (String f : missing) {
            try {
                ch.mkdir(quote(f));
            } catch (SftpException e) {
                SftpATTRS a = lstat(ch, f);
                if (a == null || !a.isDir()) {
                    throw e;
                }
            }
        }
        knownFolders.add(folder);
    }

    /** Feeds the verifier with every byte read; a failure of the source is marked as such. */
    private static final class VerifyingStream extends FilterInputStream {
        private final WriteVerifier verifier;

        VerifyingStream(InputStream in, WriteVerifier verifier) {
            super(in);
            this.verifier = verifier;
        }

        @Override
        public int read() throws IOException {
            return BulkInputStream.readOne(this);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = super.read(b, off, len);
            } catch (IOException e) {
                throw new SftpChannels.SourceReadException(e);
            }
            if (n > 0) {
                verifier.update(b, off, n);
            }
            return n;
        }
    }
}
