"""What is kept between runs to save time (issue 25) can't run a planted file or serve a stale one.

Compiled templates are kept signed in a private folder (:mod:`slutrapport._codecache`): a file
planted or altered there, a folder open to others, or an entry under another key is refused, and
the template compiled again. LibreOffice's profiles are kept as locked slots (``office
.take_profile``): a slot held by a running process is never handed out twice, a profile not left
whole is made afresh, a folder that is not the user's own keeps nothing, and the slots of a
LibreOffice version gone are removed (``office.remove_stale_profiles``).
"""

from __future__ import annotations

import marshal
import os
import shutil
import stat
import warnings
from pathlib import Path

import pytest

import slutrapport
from slutrapport import _codecache, office
from slutrapport.environment import environment

pytestmark = pytest.mark.skipif(not hasattr(os, "getuid") or office.fcntl is None,
                                reason="behöver ägare och flock (POSIX)")

SOURCE = "{{ namn }} " + "x" * 300  # long enough to be kept on disk (see environment._code)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SLUTRAPPORT_CACHE", str(folder))
    return folder


def test_an_entry_written_is_read_back_only_under_its_own_key(cache: Path) -> None:
    """What is written under a key comes back under that key, and nothing under another."""
    _codecache.write("en nyckel", b"inneh\xc3\xa5ll")
    assert (_codecache.read("en nyckel"), _codecache.read("en annan nyckel")) == (
        b"inneh\xc3\xa5ll", None)


def test_an_entry_altered_on_disk_is_refused(cache: Path) -> None:
    """One byte changed in a kept entry, and it is not given back."""
    _codecache.write("nyckel", b"kod som ska kontrolleras")
    (entry,) = [p for p in (cache / "kod").iterdir() if p.name.endswith(".bin")]
    data = bytearray(entry.read_bytes())
    data[-1] ^= 1
    entry.write_bytes(bytes(data))
    assert _codecache.read("nyckel") is None


def test_a_planted_entry_is_never_run(cache: Path) -> None:
    """Marshalled code planted where a compiled template is looked for is refused, not run: the
    template is compiled again and renders its own text."""
    env = environment()
    env._compiled.clear()  # type: ignore[attr-defined]
    assert env.from_string(SOURCE).render(namn="Anna") == "Anna " + "x" * 300
    (entry,) = [p for p in (cache / "kod").iterdir() if p.name.endswith(".bin")]
    planted = compile("raise SystemExit('planterad kod kördes')", "<planterad>", "exec")
    tag = entry.read_bytes()[:32]
    entry.write_bytes(tag + marshal.dumps(planted))  # a real tag, for other bytes
    env._compiled.clear()  # type: ignore[attr-defined]
    assert env.from_string(SOURCE).render(namn="Bo") == "Bo " + "x" * 300


def test_a_cache_folder_open_to_others_is_not_used(cache: Path) -> None:
    """A code folder others may write in is neither read nor written, and not 'repaired'."""
    _codecache.write("nyckel", b"kod")
    (cache / "kod").chmod(0o777)
    _codecache.write("nyckel 2", b"kod 2")
    assert (_codecache.read("nyckel"), _codecache.read("nyckel 2"),
            stat.S_IMODE((cache / "kod").stat().st_mode)) == (None, None, 0o777)


def test_a_key_file_open_to_others_is_not_trusted(cache: Path) -> None:
    """With the secret readable by others (anyone could sign), nothing kept is given back."""
    _codecache.write("nyckel", b"kod")
    (cache / "kod" / "nyckel").chmod(0o644)
    assert _codecache.read("nyckel") is None


def test_a_cache_folder_that_is_a_link_is_not_followed(cache: Path, tmp_path: Path) -> None:
    """A link planted where the code folder should be is not followed, even to a private folder."""
    elsewhere = tmp_path / "annan"
    elsewhere.mkdir(mode=0o700)
    cache.mkdir()
    (cache / "kod").symlink_to(elsewhere)
    _codecache.write("nyckel", b"kod")
    assert (_codecache.read("nyckel"), sorted(elsewhere.iterdir())) == (None, [])


def test_the_cache_turned_off_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """SLUTRAPPORT_CACHE=0: nothing is written or read."""
    monkeypatch.setenv("SLUTRAPPORT_CACHE", "0")
    _codecache.write("nyckel", b"kod")
    assert (_codecache.folder(), _codecache.read("nyckel")) == (None, None)


# --- LibreOffice's profile ---------------------------------------------------------------------

SOFFICE = office.find_soffice() or "/usr/bin/soffice"


def test_a_slot_held_by_a_running_worker_is_never_handed_out_again(
    cache: Path, tmp_path: Path
) -> None:
    """Two workers at once get two different profiles; a slot let go is taken again."""
    first = office.take_profile(SOFFICE, tmp_path / "a")
    second = office.take_profile(SOFFICE, tmp_path / "b")
    names = (first.path.name, second.path.name)
    first.release()
    third = office.take_profile(SOFFICE, tmp_path / "c")
    second.release()
    third.release()
    assert (names, third.path.name) == (("profil-0", "profil-1"), "profil-0")


def test_a_profile_left_whole_is_reused_and_one_not_left_whole_is_made_afresh(
    cache: Path, tmp_path: Path
) -> None:
    """A profile marked whole by the LibreOffice that used it is kept; without the mark (it was
    killed, say) it is removed before LibreOffice starts on it."""
    first = office.take_profile(SOFFICE, tmp_path / "a")
    (first.path / "user").mkdir(parents=True)
    (first.path / "user" / "inställningar").write_text("ja", encoding="utf-8")
    assert first.kept is not None
    first.kept.touch()  # as the worker does when LibreOffice quit by itself
    first.release()
    again = office.take_profile(SOFFICE, tmp_path / "b")
    reused = (again.reused, (again.path / "user" / "inställningar").exists())
    again.release()  # no mark this time: as if LibreOffice was killed
    fresh = office.take_profile(SOFFICE, tmp_path / "c")
    fresh.release()
    assert (reused, fresh.reused, fresh.path.exists()) == ((True, True), False, False)


def test_a_profiles_folder_open_to_others_keeps_no_profile(
    cache: Path, tmp_path: Path
) -> None:
    """Where others could plant a profile (it can hold macros), a fresh one is made in the
    worker's own run folder instead."""
    folder = office.profiles_folder(SOFFICE)
    assert folder is not None
    folder.chmod(0o755)
    profile = office.take_profile(SOFFICE, tmp_path / "egen")
    assert (profile.path, profile.fd, profile.reused) == (tmp_path / "egen", None, False)


def _tree(folder: Path) -> list[str]:
    """Every path under ``folder``, relative, a link marked with '->' (not followed)."""
    return sorted(f"{path.relative_to(folder)}{' ->' if path.is_symlink() else ''}"
                  for path in folder.rglob("*"))


def _slot(folder: Path, n: int, *, whole: bool = True) -> None:
    (folder / f"profil-{n}" / "user").mkdir(parents=True)
    (folder / f"profil-{n}" / "user" / "registrymodifications.xcu").write_text("<x/>")
    (folder / f"profil-{n}.lock").touch()
    if whole:
        (folder / f"profil-{n}.klar").touch()


def test_profiles_of_another_libreoffice_version_are_removed_safely(
    cache: Path, tmp_path: Path
) -> None:
    """Taking a profile removes the slots kept for a LibreOffice that is gone or upgraded since
    (a folder naming another installation, or naming none): only slots no process holds, only
    slutrapport's own files, never through a link; an installation still there keeps its own,
    and a folder emptied goes too."""
    import fcntl

    ours = office.profiles_folder(SOFFICE)
    assert ours is not None
    kept = ours.parent
    other_soffice = tmp_path / "annan" / "soffice"  # another LibreOffice, still installed
    other_soffice.parent.mkdir()
    other_soffice.write_text("#!/bin/sh\n")
    other = office.profiles_folder(str(other_soffice))
    assert other is not None
    _slot(other, 0)
    upgraded = kept / "0123456789abcdef"  # its soffice was upgraded: the key differs
    upgraded.mkdir(mode=0o700)
    (upgraded / "installation").write_text(os.path.realpath(SOFFICE))
    _slot(upgraded, 0)
    _slot(upgraded, 1, whole=False)
    (upgraded / "anteckning.txt").write_text("inte vår")  # not slutrapport's: stays
    unnamed = kept / "fedcba9876543210"  # made before folders named their installation
    unnamed.mkdir(mode=0o700)
    _slot(unnamed, 0)
    held = kept / "00000000000000aa"  # an old LibreOffice still runs on its slot
    held.mkdir(mode=0o700)
    _slot(held, 0)
    elsewhere = tmp_path / "utanfor"
    _slot(elsewhere, 0)
    (kept / "11111111111111bb").symlink_to(elsewhere)  # a link is never followed
    lock = os.open(held / "profil-0.lock", os.O_RDWR)
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        profile = office.take_profile(SOFFICE, tmp_path / "egen")
        profile.release()
    finally:
        os.close(lock)
    slot = ["profil-0", "profil-0.klar", "profil-0.lock", "profil-0/user",
            "profil-0/user/registrymodifications.xcu"]
    assert (_tree(kept), _tree(elsewhere)) == (sorted([
        "00000000000000aa", *(f"00000000000000aa/{name}" for name in slot),
        "0123456789abcdef", "0123456789abcdef/anteckning.txt", "0123456789abcdef/installation",
        "11111111111111bb ->",
        ours.name, f"{ours.name}/installation", f"{ours.name}/profil-0.lock",
        other.name, f"{other.name}/installation", *(f"{other.name}/{name}" for name in slot),
    ]), slot)


@pytest.mark.skipif(not office.available(), reason="LibreOffice (soffice och python3-uno) saknas")
@pytest.mark.libreoffice
def test_a_second_render_uses_the_profile_the_first_left_whole(cache: Path, tmp_path: Path) -> None:
    """After a render through LibreOffice, its profile is kept and marked whole, and the next
    render takes the same one (and leaves it whole again)."""
    report = slutrapport.load(slutrapport.example_path("lappland20"))
    slutrapport.render(report)
    folder = office.profiles_folder(SOFFICE)
    assert folder is not None
    first = sorted(p.name for p in folder.iterdir())
    slutrapport.render(report)
    assert (first, sorted(p.name for p in folder.iterdir())) == (
        ["installation", "profil-0", "profil-0.klar", "profil-0.lock"],
        ["installation", "profil-0", "profil-0.klar", "profil-0.lock"])


@pytest.mark.skipif(not office.available(), reason="LibreOffice (soffice och python3-uno) saknas")
@pytest.mark.libreoffice
def test_a_kept_profile_that_is_broken_is_made_afresh_and_the_render_goes_on(
    cache: Path, tmp_path: Path
) -> None:
    """A profile marked whole but broken (its user folder a file) does not cost the contents:
    LibreOffice gets a fresh profile, fills them in, and leaves it whole."""
    report = slutrapport.load(slutrapport.example_path("lappland20"))
    slutrapport.render(report)
    folder = office.profiles_folder(SOFFICE)
    assert folder is not None
    user = folder / "profil-0" / "user"
    shutil.rmtree(user)
    user.write_text("trasig", encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        slutrapport.render(report, tmp_path / "r.docx")
    assert ([str(w.message) for w in caught], user.is_dir(),
            (folder / "profil-0.klar").exists()) == ([], True, True)
