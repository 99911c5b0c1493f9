package dev.heirloom.source;

import dev.heirloom.testservers.MediaSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Capture dates read from files made by the real tools, one format at a time. */
class CaptureDatesTest {
    @TempDir
    Path tmp;

    @Test
    void aJpegGivesItsExifDateTimeOriginalInLocalTime() throws Exception {
        Path photo = MediaSamples.datedJpeg(tmp.resolve("IMG_0001.jpg"), "2019:07:14 15:30:00", Color.BLUE);
        assertThat(CaptureDates.of(photo)).contains("2019-07-14T15:30:00");
    }

    @Test
    void aJpegWithAnOffsetKeepsIt() throws Exception {
        Path photo = MediaSamples.datedJpeg(tmp.resolve("IMG_0002.jpg"), "2020:12:31 23:59:58", Color.RED);
        MediaSamples.exiftool(photo, "-OffsetTimeOriginal=+02:00");
        assertThat(CaptureDates.of(photo)).contains("2020-12-31T23:59:58+02:00");
    }

    @Test
    void aHeicGivesItsExifDate() throws Exception {
        Path photo = MediaSamples.datedHeic(tmp.resolve("IMG_0003.HEIC"), "2021:05:06 07:08:09");
        assertThat(CaptureDates.of(photo)).contains("2021-05-06T07:08:09");
    }

    @Test
    void aDngRawGivesItsExifDate() throws Exception {
        Path raw = MediaSamples.datedDng(tmp.resolve("DSC_0004.dng"), "2012:02:29 12:00:00");
        assertThat(CaptureDates.of(raw)).contains("2012-02-29T12:00:00");
    }

    @Test
    void anMp4GivesItsCreationTimeInUtc() throws Exception {
        Path video = MediaSamples.datedMp4(tmp.resolve("VID_0005.mp4"), "2017-03-05T10:00:00Z");
        assertThat(CaptureDates.of(video)).contains("2017-03-05T10:00:00Z");
    }

    @Test
    void aVideoWhoseIndexFollowsItsMediaIsDatedWithoutReadingThem() throws Exception {
        Path video = MediaSamples.largeDatedMp4(tmp.resolve("VID_0009.mp4"), "2016-08-15T17:30:00Z");
        assertThat(Files.size(video)).as("more than the reader may read").isGreaterThan(4L * CaptureDates.READ_LIMIT);
        assertThat(CaptureDates.of(video)).contains("2016-08-15T17:30:00Z");
    }

    @Test
    void aPhotoWithoutOneTakesItFromItsXmpSidecar() throws Exception {
        Path raw = MediaSamples.jpeg(tmp.resolve("DSC_0006.jpg"), 64, 48, Color.GRAY);
        MediaSamples.sidecar(tmp.resolve("DSC_0006.xmp"), "2009:10:11 12:13:14");
        assertThat(CaptureDates.of(raw)).contains("2009-10-11T12:13:14");

        Path other = MediaSamples.jpeg(tmp.resolve("DSC_0007.jpg"), 64, 48, Color.GRAY);
        MediaSamples.sidecar(tmp.resolve("DSC_0007.jpg.xmp"), "2008:01:02 03:04:05");
        assertThat(CaptureDates.of(other)).as("darktable's NAME.EXT.xmp").contains("2008-01-02T03:04:05");
    }

    /** A file under dir named by raw bytes, made through a file: URI (no locale involved). */
    private static Path raw(Path dir, byte[] name) {
        StringBuilder uri = new StringBuilder(dir.toUri().toString());
        for (byte b : name) {
            uri.append('%').append(String.format("%02X", b & 0xFF));
        }
        return Path.of(java.net.URI.create(uri.toString()));
    }

    @Test
    void aPhotoWhoseNameIsNotUtf8FindsItsSidecar() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("old camera"));
        byte[] stem = "caf\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path photo = raw(dir, concat(stem, ".jpg"));
        Files.write(photo, Files.readAllBytes(MediaSamples.jpeg(tmp.resolve("plain.jpg"), 64, 48, Color.GRAY)));
        Path made = MediaSamples.sidecar(tmp.resolve("made.xmp"), "2004:05:06 07:08:09");
        Files.write(raw(dir, concat(stem, ".xmp")), Files.readAllBytes(made));
        assertThat(CaptureDates.of(photo)).contains("2004-05-06T07:08:09");
    }

    private static byte[] concat(byte[] a, String b) {
        byte[] tail = b.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(a, a.length + tail.length);
        System.arraycopy(tail, 0, out, a.length, tail.length);
        return out;
    }

    @Test
    void aFileWithoutMetadataHasNone() throws Exception {
        Path plain = MediaSamples.jpeg(tmp.resolve("scan.jpg"), 64, 48, Color.WHITE);
        assertThat(CaptureDates.of(plain)).isEmpty();
        Path notAPicture = Files.writeString(tmp.resolve("broken.jpg"), "not a picture at all");
        assertThat(CaptureDates.of(notAPicture)).isEmpty();
        byte[] truncated = Files.readAllBytes(MediaSamples.datedJpeg(tmp.resolve("cut.jpg"), "2019:07:14 15:30:00",
                Color.BLUE));
        Path cut = Files.write(tmp.resolve("cut.jpg"), java.util.Arrays.copyOf(truncated, 40));
        assertThat(CaptureDates.of(cut)).as("a truncated file").isEmpty();
    }

    @Test
    void implausibleDatesAreNone() {
        assertThat(CaptureDates.exif("0000:00:00 00:00:00", null)).isEmpty();
        assertThat(CaptureDates.exif("2019:13:01 00:00:00", null)).isEmpty();
        assertThat(CaptureDates.exif("1700:01:01 00:00:00", null)).isEmpty();
        assertThat(CaptureDates.exif("2999:01:01 00:00:00", null)).isEmpty();
        assertThat(CaptureDates.exif("    :  :     :  :  ", null)).isEmpty();
        assertThat(CaptureDates.exif("2019-07-14T15:30:00.25-05:00", null)).contains("2019-07-14T15:30:00-05:00");
        assertThat(CaptureDates.month("2019-07-14T15:30:00")).isEqualTo("2019-07");
        assertThat(CaptureDates.month("garbage")).isNull();
    }
}
