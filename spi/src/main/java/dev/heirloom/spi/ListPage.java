package dev.heirloom.spi;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param objects       the objects on this page
 * @param nextPageToken opaque token for the next page; empty on the last page
 */
public record ListPage(List<ObjectInfo> objects, Optional<String> nextPageToken) {
    public ListPage {
        objects = List.copyOf(objects);
    }
}
