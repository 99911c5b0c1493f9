package dev.heirloom.source;

import com.adobe.internal.xmp.XMPConst;
import com.adobe.internal.xmp.XMPException;
import com.adobe.internal.xmp.XMPMeta;
import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import com.drew.metadata.mp4.Mp4Directory;
import com.drew.metadata.mov.QuickTimeDirectory;
import com.drew.metadata.xmp.XmpDirectory;
import com.drew.metadata.xmp.XmpReader;
import dev.heirloom.repository.FileName;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a photo or video was taken, as its own metadata says: EXIF {@code DateTimeOriginal} (JPEG,
 * HEIC/HEIF, TIFF-based RAW such as DNG, CR2, NEF, ARW), the QuickTime/MP4 creation time, or XMP
 * ({@code exif:DateTimeOriginal}, {@code xmp:CreateDate}, {@code photoshop:DateCreated}) in the file
 * or in its sidecar ({@code NAME.xmp} or {@code NAME.EXT.xmp}) when the file itself has none.
 *
 * <p>The answer is text in ISO-8601 form, as exact as the metadata is: {@code 2019-07-14T15:30:00}
 * when the camera recorded local time only, {@code 2019-07-14T15:30:00+02:00} with its offset, and
 * {@code 2019-07-14T13:30:00Z} for the UTC times of video containers. Its first seven characters
 * are always the year and month. A file whose metadata is missing, malformed or implausible (before
 * 1826 or more than a day in the future) has no capture date; reading never fails.
 */
public final class CaptureDates {
    /**
     * The most bytes the metadata reader may read of one file: metadata sits in the first KiB to
     * MiB (a JPEG's segments before its picture, a video's boxes, whose media data it skips by
     * seeking); a file of another kind with a known signature would otherwise be searched to its end.
     */
    static final int READ_LIMIT = 1 << 20;
    /** The most of a sidecar read: they are a few KiB; a bigger one is not a sidecar. */
    private static final long SIDECAR_LIMIT = 1 << 20;
    private static final Pattern EXIF_DATE = Pattern.compile(
            "(\\d{4})[:-](\\d{2})[:-](\\d{2})[ T](\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?\\s*([+-]\\d{2}:?\\d{2}|Z)?");
    private static final Pattern OFFSET = Pattern.compile("\\s*([+-]\\d{2}):?(\\d{2})\\s*");
    private static final int FIRST_YEAR = 1826; // the first photograph

    private CaptureDates() {
    }

    /** The capture date of a photo or video, from the file, else from its XMP sidecar; empty when neither says. */
    public static Optional<String> of(Path file) {
        try {
            Optional<String> own = fromFile(file);
            return own.isPresent() ? own : fromSidecar(file);
        } catch (RuntimeException e) {
            return Optional.empty(); // whatever the file or its name, a backup never fails for want of a date
        }
    }

    /** The capture date the file's own metadata records. */
    static Optional<String> fromFile(Path file) {
        Metadata metadata;
        try (InputStream in = new BufferedInputStream(new ReadLimit(Files.newInputStream(file)), 64 * 1024)) {
            metadata = ImageMetadataReader.readMetadata(in, Files.size(file));
        } catch (Exception | StackOverflowError e) {
            // not a format the reader knows, truncated or malformed: the file has no capture date
            return Optional.empty();
        }
        try {
            return first(metadata);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> first(Metadata metadata) {
        for (ExifSubIFDDirectory d : metadata.getDirectoriesOfType(ExifSubIFDDirectory.class)) {
            Optional<String> t = exif(d.getString(ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL),
                    d.getString(ExifSubIFDDirectory.TAG_TIME_ZONE_ORIGINAL));
            if (t.isEmpty()) {
                t = exif(d.getString(ExifSubIFDDirectory.TAG_DATETIME_DIGITIZED),
                        d.getString(ExifSubIFDDirectory.TAG_TIME_ZONE_DIGITIZED));
            }
            if (t.isPresent()) {
                return t;
            }
        }
        for (QuickTimeDirectory d : metadata.getDirectoriesOfType(QuickTimeDirectory.class)) {
            Optional<String> t = utc(d, QuickTimeDirectory.TAG_CREATION_TIME);
            if (t.isPresent()) {
                return t;
            }
        }
        for (Mp4Directory d : metadata.getDirectoriesOfType(Mp4Directory.class)) {
            Optional<String> t = utc(d, Mp4Directory.TAG_CREATION_TIME);
            if (t.isPresent()) {
                return t;
            }
        }
        for (XmpDirectory d : metadata.getDirectoriesOfType(XmpDirectory.class)) {
            Optional<String> t = xmp(d);
            if (t.isPresent()) {
                return t;
            }
        }
        for (ExifIFD0Directory d : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
            // the time the file was last written by the camera or an editor: the capture date only failing all else
            Optional<String> t = exif(d.getString(ExifIFD0Directory.TAG_DATETIME), d.getString(ExifIFD0Directory.TAG_TIME_ZONE));
            if (t.isPresent()) {
                return t;
            }
        }
        return Optional.empty();
    }

    /** The capture date in the XMP sidecar beside the file, if there is one. */
    static Optional<String> fromSidecar(Path file) {
        Path folder = file.toAbsolutePath().getParent();
        // the name's exact bytes (FileName), so that a name not in the locale's encoding finds its sidecar too
        String name = FileName.of(file);
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        for (String candidate : List.of(stem + ".xmp", stem + ".XMP", name + ".xmp", name + ".XMP")) {
            try {
                Path sidecar = FileName.resolve(folder, candidate);
                if (!Files.isRegularFile(sidecar, LinkOption.NOFOLLOW_LINKS) || Files.size(sidecar) > SIDECAR_LIMIT) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = Files.newInputStream(sidecar)) {
                    bytes = in.readNBytes((int) SIDECAR_LIMIT);
                }
                Metadata metadata = new Metadata();
                new XmpReader().extract(bytes, metadata);
                for (XmpDirectory d : metadata.getDirectoriesOfType(XmpDirectory.class)) {
                    Optional<String> t = xmp(d);
                    if (t.isPresent()) {
                        return t;
                    }
                }
            } catch (IOException | RuntimeException | StackOverflowError e) {
                // an unreadable or malformed sidecar says nothing
            }
        }
        return Optional.empty();
    }

    private static Optional<String> xmp(XmpDirectory d) {
        XMPMeta meta = d.getXMPMeta();
        if (meta == null) {
            return Optional.empty();
        }
        String[][] properties = {{XMPConst.NS_EXIF, "DateTimeOriginal"}, {XMPConst.NS_PHOTOSHOP, "DateCreated"},
                {XMPConst.NS_XMP, "CreateDate"}, {XMPConst.NS_EXIF, "DateTimeDigitized"}};
        for (String[] p : properties) {
            try {
                Optional<String> t = exif(meta.getPropertyString(p[0], p[1]), null);
                if (t.isPresent()) {
                    return t;
                }
            } catch (XMPException e) {
                // the next property
            }
        }
        return Optional.empty();
    }

    /** An EXIF or ISO date-time text with an optional separate offset, checked. */
    static Optional<String> exif(String dateTime, String offset) {
        if (dateTime == null) {
            return Optional.empty();
        }
        Matcher m = EXIF_DATE.matcher(dateTime.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        LocalDateTime local;
        try {
            local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)));
        } catch (DateTimeException e) {
            return Optional.empty(); // "0000:00:00 00:00:00", month 13, ...
        }
        ZoneOffset zone = zone(m.group(7) != null ? m.group(7) : offset);
        if (local.getYear() < FIRST_YEAR || inTheFuture(local.toInstant(zone == null ? ZoneOffset.UTC : zone))) {
            return Optional.empty();
        }
        String text = local.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        return Optional.of(zone == null ? text : zone.equals(ZoneOffset.UTC) ? text + "Z" : text + zone.getId());
    }

    private static ZoneOffset zone(String text) {
        if (text == null) {
            return null;
        }
        if (text.trim().equals("Z")) {
            return ZoneOffset.UTC;
        }
        Matcher m = OFFSET.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            return ZoneOffset.of(m.group(1) + ":" + m.group(2));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static Optional<String> utc(Directory d, int tag) {
        Date date = d.getDate(tag);
        if (date == null) {
            return Optional.empty();
        }
        Instant t = date.toInstant().truncatedTo(ChronoUnit.SECONDS);
        // 0 in a QuickTime header (1904-01-01) means "not set", and so, in practice, does 1970
        if (t.isBefore(Instant.parse("1971-01-01T00:00:00Z")) || inTheFuture(t)) {
            return Optional.empty();
        }
        return Optional.of(t.toString()); // whole seconds: yyyy-MM-ddTHH:mm:ssZ
    }

    /** Later than a day from now: no camera took it (a clock gone wrong, or a damaged field). */
    private static boolean inTheFuture(Instant t) {
        return t.isAfter(Instant.now().plus(1, ChronoUnit.DAYS));
    }

    /** A stream that fails once {@link #READ_LIMIT} bytes were read from it; skipping (a seek) does not count. */
    private static final class ReadLimit extends FilterInputStream {
        private long left = READ_LIMIT;

        ReadLimit(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            spend();
            int b = in.read();
            left -= b < 0 ? 0 : 1;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            spend();
            int n = in.read(b, off, (int) Math.min(len, left));
            left -= Math.max(n, 0);
            return n;
        }

        private void spend() throws IOException {
            if (left <= 0) {
                throw new IOException("no metadata in the first " + READ_LIMIT + " bytes read");
            }
        }
    }

    /**
     * The year and month a capture date (or, failing one, the modification time in UTC) falls in,
     * as {@code yyyy-MM}; null when the text is not a capture date.
     */
    public static String month(String captured) {
        if (captured == null || captured.length() < 7 || captured.charAt(4) != '-') {
            return null;
        }
        try {
            return YearMonth.parse(captured.substring(0, 7)).toString();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
