package dev.heirloom.testservers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Photos and videos made the way cameras and photo apps leave them, with the real tools: pictures
 * drawn with ImageIO, capture dates written by exiftool, HEIC encoded by ImageMagick (libheif), a
 * DNG (the TIFF-based RAW) tagged by exiftool, MP4 encoded by ffmpeg. A missing tool is a loud
 * failure with its install hint.
 */
public final class MediaSamples {
    private static final String HINT = " is not installed: run 'apt-get install -y libimage-exiftool-perl imagemagick "
            + "ffmpeg' (./test.sh does this)";

    private MediaSamples() {
    }

    /** A JPEG picture of {@code width} x {@code height} in {@code color}, with no metadata. */
    public static Path jpeg(Path file, int width, int height, Color color) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, color, width, height, color.darker().darker()));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "jpeg", file.toFile())) {
            throw new IOException("no JPEG writer");
        }
        return file;
    }

    /** A JPEG whose EXIF says it was taken at {@code exifDateTime} ({@code yyyy:MM:dd HH:mm:ss}). */
    public static Path datedJpeg(Path file, String exifDateTime, Color color) throws IOException {
        jpeg(file, 320, 240, color);
        exiftool(file, "-DateTimeOriginal=" + exifDateTime);
        return file;
    }

    /** A HEIC picture (encoded by ImageMagick through libheif) with EXIF {@code DateTimeOriginal}. */
    public static Path datedHeic(Path file, String exifDateTime) throws IOException {
        Path jpeg = jpeg(file.resolveSibling(file.getFileName() + ".src.jpg"), 128, 96, Color.ORANGE);
        run(List.of(tool("convert", "/usr/bin/convert"), jpeg.toString(), file.toString()));
        Files.delete(jpeg);
        exiftool(file, "-DateTimeOriginal=" + exifDateTime);
        return file;
    }

    /** A DNG: a TIFF picture tagged as DNG 1.4 with EXIF {@code DateTimeOriginal}, as RAW files are. */
    public static Path datedDng(Path file, String exifDateTime) throws IOException {
        Path jpeg = jpeg(file.resolveSibling(file.getFileName() + ".src.jpg"), 128, 96, Color.GREEN);
        Path tiff = file.resolveSibling(file.getFileName() + ".tif");
        run(List.of(tool("convert", "/usr/bin/convert"), jpeg.toString(), tiff.toString()));
        Files.delete(jpeg);
        exiftool(tiff, "-DNGVersion=1.4.0.0", "-Make=Heirloom", "-Model=Test RAW", "-DateTimeOriginal=" + exifDateTime);
        Files.move(tiff, file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** A one-second MP4 video (ffmpeg) whose container says it was made at {@code isoUtc} ({@code 2017-03-05T10:00:00Z}). */
    public static Path datedMp4(Path file, String isoUtc) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        run(List.of(tool("ffmpeg", "/usr/bin/ffmpeg"), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc=size=64x48:rate=10:duration=1", "-pix_fmt", "yuv420p", "-metadata", "creation_time=" + isoUtc,
                file.toString()));
        return file;
    }

    /**
     * A video of several MiB of noise whose index (the {@code moov} box, with the creation time) comes after its media
     * data, as cameras write them: whoever wants the date must skip the media, not read it.
     */
    public static Path largeDatedMp4(Path file, String isoUtc) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        run(List.of(tool("ffmpeg", "/usr/bin/ffmpeg"), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=640x360:rate=25:duration=1", "-vf", "noise=alls=100:allf=t", "-c:v", "mpeg4", "-q:v", "1",
                "-metadata", "creation_time=" + isoUtc, file.toString()));
        return file;
    }

    /** An XMP sidecar (written by exiftool) saying its photo was taken at {@code exifDateTime}. */
    public static Path sidecar(Path file, String exifDateTime) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file);
        run(List.of(tool("exiftool", "/usr/bin/exiftool"), "-q", "-o", file.toString(),
                "-XMP-exif:DateTimeOriginal=" + exifDateTime));
        return file;
    }

    /** Writes tags into a file in place with exiftool. */
    public static void exiftool(Path file, String... tags) throws IOException {
        List<String> command = new ArrayList<>(List.of(tool("exiftool", "/usr/bin/exiftool"), "-q", "-overwrite_original"));
        command.addAll(List.of(tags));
        command.add(file.toString());
        run(command);
    }

    private static String tool(String name, String path) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(name + HINT);
        }
        return path;
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(0) + " did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.exitValue() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                    + output));
        }
    }
}
