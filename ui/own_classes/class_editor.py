"""Your classes: their names, photos added from uploads, the camera or a zip file, thumbnails to remove."""

from __future__ import annotations

import streamlit as st

from cnn_core import transfer
from ui.image_picker import UPLOAD_TYPES
from ui.own_classes import photo_classes
from ui.own_classes import state_keys as keys
from ui.own_classes.photo_classes import OwnClasses
from ui.text import plain

INTAKES = ("Upload photos", "Camera", "A zip file")
#: The largest zip file the page reads, and the one kind of file besides photos it takes (read_class_zip reads it).
MAX_ZIP_MEGABYTES = 100
ZIP_TYPES = ["zip"]


def classes_section(state: OwnClasses) -> None:
    """Adding photos, then every class with its name, its thumbnails and its buttons."""
    for photo_class in state.classes:  # names typed in the last run, before anything above shows them
        photo_class.name = st.session_state.get(keys.class_name(photo_class.number), photo_class.name)
    intake = st.segmented_control("Add photos from", INTAKES, default=INTAKES[0], required=True, key=keys.INTAKE,
                                  help="Upload several photos at once, take shots one after another with your "
                                       "camera, or upload one zip file with a folder of photos per class.")
    if intake == INTAKES[2]:
        _zip_intake(state)
    else:
        target = st.selectbox("Add them to", [photo_class.number for photo_class in state.classes],
                              format_func=lambda number: _class_of(state, number).name or "(a class without a name)",
                              key=keys.TARGET_CLASS, help="The class that the photos you add next belong to.")
        (_upload_intake if intake == INTAKES[0] else _camera_intake)(state, _class_of(state, target))
    for kind, text in state.notices:
        (st.error if kind == "error" else st.warning if kind == "warning" else st.success)(text)
    state.notices.clear()
    problems = photo_classes.name_problems(state)
    for photo_class in list(state.classes):
        _class_box(state, photo_class, problems.get(photo_class.number))
    st.button("Add a class", icon=":material/add:", key=keys.ADD_CLASS, on_click=photo_classes.add_class,
              args=(state,), disabled=len(state.classes) >= transfer.MAX_CLASSES,
              help=f"From {transfer.MIN_CLASSES} to {transfer.MAX_CLASSES} classes.")


def _class_of(state: OwnClasses, number: int) -> photo_classes.PhotoClass:
    return next((photo_class for photo_class in state.classes if photo_class.number == number), state.classes[0])


def _upload_intake(state: OwnClasses, target: photo_classes.PhotoClass) -> None:
    uploads = st.file_uploader("Photos", type=UPLOAD_TYPES, accept_multiple_files=True,
                               key=keys.uploads(state.intake_round),
                               help="PNG, JPEG, WebP, BMP, GIF or TIFF, several at once. They are kept at "
                                    f"{photo_classes.STORED_SIDE} pixels on their longest side.")
    if uploads:
        added = sum(int(photo_classes.add_file(state, target, upload.getvalue(), upload.name)) for upload in uploads)
        _added(state, added, target)


def _camera_intake(state: OwnClasses, target: photo_classes.PhotoClass) -> None:
    shot = st.camera_input("Take a shot", key=keys.camera(state.intake_round),
                           help="Each shot is added to the class at once, and the camera is ready for the next.")
    if shot is not None:
        count = sum(photo.source.startswith("camera shot") for photo_class in state.classes
                    for photo in photo_class.photos)
        added = photo_classes.add_file(state, target, shot.getvalue(), f"camera shot {count + 1}")
        _added(state, int(added), target)


def _zip_intake(state: OwnClasses) -> None:
    st.caption("One folder per class inside the zip file, named after the class, with that class's photos in it "
               "(deeper folders stay with their class). Folders whose name is already a class add to it.")
    archive = st.file_uploader("Zip file", type=ZIP_TYPES, key=keys.class_zip(state.intake_round),
                               max_upload_size=MAX_ZIP_MEGABYTES)
    if archive is None:
        return
    try:
        folders = transfer.read_class_zip(archive.getvalue())
    except ValueError as error:
        state.notices.append(("error", f"{plain(archive.name)}: {error}"))
        state.intake_round += 1
        st.rerun()
    added = photo_classes.add_folders(state, folders)
    if folders.skipped:
        listed = "\n".join(f"- {plain(skipped.path)}: {plain(skipped.reason)}" for skipped in folders.skipped[:20])
        more = f"\n- and {len(folders.skipped) - 20} more" if len(folders.skipped) > 20 else ""
        state.notices.append(("warning", f"Skipped {len(folders.skipped)} of the zip's files:\n{listed}{more}"))
    _added(state, added, None)


def _added(state: OwnClasses, count: int, target: photo_classes.PhotoClass | None) -> None:
    """Say what was added, empty the uploaders (and ready the camera), and draw the page again."""
    if count:
        where = f" to “{plain(target.name)}”" if target else ""
        state.notices.append(("success", f"Added {count} {'photo' if count == 1 else 'photos'}{where}."))
    for photo_class in state.classes:  # a zip's folder may have named a class
        st.session_state[keys.class_name(photo_class.number)] = photo_class.name
    state.intake_round += 1
    st.rerun()


def _class_box(state: OwnClasses, photo_class: photo_classes.PhotoClass, problem: str | None) -> None:
    with st.container(border=True):
        columns = st.columns([3, 2], vertical_alignment="bottom")
        st.session_state.setdefault(keys.class_name(photo_class.number), photo_class.name)
        photo_class.name = columns[0].text_input(
            "Class name", max_chars=photo_classes.MAX_NAME_LENGTH, key=keys.class_name(photo_class.number),
            help="Shown as you type it; it names this class's answers.")
        columns[1].button("Remove class", icon=":material/delete:", key=keys.remove_class(photo_class.number),
                          on_click=photo_classes.remove_class, args=(state, photo_class.number),
                          disabled=len(state.classes) <= transfer.MIN_CLASSES,
                          help=f"Removes the class and its photos; at least {transfer.MIN_CLASSES} classes stay.")
        if problem:
            st.error(problem)
        count = len(photo_class.photos)
        needed = transfer.MIN_PHOTOS_PER_CLASS
        st.caption(f"{count} {'photo' if count == 1 else 'photos'}" + (
            f": add at least {needed - count} more (one to learn from, one held out to test on)."
            if count < needed else ""))
        if not count:
            return
        st.image([photo.thumbnail for photo in photo_class.photos], width=photo_classes.THUMBNAIL_SIDE,
                 caption=[str(position) for position in range(1, count + 1)])
        positions = {photo.number: position for position, photo in enumerate(photo_class.photos, start=1)}
        key = keys.remove_photo(photo_class.number)
        st.pills("Remove a photo", list(positions), format_func=lambda number: f"✕ {positions[number]}", key=key,
                 on_change=_remove_picked, args=(state, key), help="Click a photo's number to remove it.")


def _remove_picked(state: OwnClasses, key: str) -> None:
    if st.session_state.get(key) is not None:
        photo_classes.remove_photo(state, st.session_state[key])
        st.session_state[key] = None
