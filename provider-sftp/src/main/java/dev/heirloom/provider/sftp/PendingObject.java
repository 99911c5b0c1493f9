package dev.heirloom.provider.sftp;

/**
 * A small object accepted by {@link SftpGroupCommit} and not yet named: its content in memory until
 * its batch is sent, then only in its temporary file on the server.
 */
final class PendingObject {
    private final String key;
    private final String target;
    private final String folder;
    private final long size;
    private volatile byte[] bytes;
    private volatile String temp;

    /** @param target the object's path on the server */
    PendingObject(String key, String target, byte[] bytes) {
        this.key = key;
        this.target = target;
        this.folder = target.substring(0, target.lastIndexOf('/'));
        this.size = bytes.length;
        this.bytes = bytes;
    }

    String key() {
        return key;
    }

    long size() {
        return size;
    }

    /** The object's path on the server. */
    String target() {
        return target;
    }

    /** The folder the object is named in (its temporary file is there too). */
    String folder() {
        return folder;
    }

    /** The content, or null once it is on the server under {@link #temp()} alone. */
    byte[] bytes() {
        return bytes;
    }

    /** The temporary file on the server, once its batch is being sent. */
    String temp() {
        return temp;
    }

    void sending(String temporaryFile) {
        this.temp = temporaryFile;
    }

    /** The batch is on the server: reads go to the temporary file from now on. */
    void sent() {
        this.bytes = null;
    }
}
