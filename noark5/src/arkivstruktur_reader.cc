#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>

#include "common/text.h"
#include "noark5/arkivstruktur.h"

namespace arkivvakt::noark5 {

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kArkiv:
      return "arkiv";
    case EntityKind::kArkivdel:
      return "arkivdel";
    case EntityKind::kKlassifikasjonssystem:
      return "klassifikasjonssystem";
    case EntityKind::kKlasse:
      return "klasse";
    case EntityKind::kMappe:
      return "mappe";
    case EntityKind::kRegistrering:
      return "registrering";
    case EntityKind::kDokumentbeskrivelse:
      return "dokumentbeskrivelse";
    case EntityKind::kDokumentobjekt:
      return "dokumentobjekt";
  }
  return "arkiv";
}

const Field* Entity::Find(std::string_view path) const {
  for (const Field& f : fields) {
    if (f.path == path) {
      return &f;
    }
  }
  return nullptr;
}

std::string_view Entity::Get(std::string_view path) const {
  const Field* f = Find(path);
  return f != nullptr ? std::string_view(f->value) : std::string_view();
}

std::uint32_t Entity::CountChild(std::string_view name) const {
  for (const auto& [child, count] : child_elements) {
    if (child == name) {
      return count;
    }
  }
  return 0;
}

void Entity::Clear() {
  type.clear();
  line = 0;
  nesting = 0;
  system_id.clear();
  fields.clear();
  child_elements.clear();
  child_entities.fill(0);
}

namespace {

std::optional<EntityKind> EntityKindFromName(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, EntityKind>, kEntityKindCount> kNames{{
      {"arkiv", EntityKind::kArkiv},
      {"arkivdel", EntityKind::kArkivdel},
      {"klassifikasjonssystem", EntityKind::kKlassifikasjonssystem},
      {"klasse", EntityKind::kKlasse},
      {"mappe", EntityKind::kMappe},
      {"registrering", EntityKind::kRegistrering},
      {"dokumentbeskrivelse", EntityKind::kDokumentbeskrivelse},
      {"dokumentobjekt", EntityKind::kDokumentobjekt},
  }};
  for (const auto& [n, kind] : kNames) {
    if (n == name) {
      return kind;
    }
  }
  return std::nullopt;
}

struct ArkivdelSettings {
  EffectiveRetention retention;
  EffectiveScreening screening;
};

// One open element.
struct Frame {
  std::string_view name;  // interned by libxml2 for the life of the stream
  std::string text;
  std::uint64_t line = 0;
  int entity_level = -1;  // index into the entity stack if this element is an entity
  bool has_child = false;
  bool foreign = false;  // inside virksomhetsspesifikkeMetadata or another namespace
};

class Reader {
 public:
  Reader(XmlStream& stream, ArkivstrukturHandler& handler) : stream_(stream), handler_(handler) {}

  Result<ArkivstrukturSummary> Run() {
    for (;;) {
      switch (stream_.Next()) {
        case XmlStream::Event::kStart:
          if (auto status = OnStart(); !status.ok()) {
            return status.error();
          }
          break;
        case XmlStream::Event::kText:
          if (frames_depth_ > 0 && !frames_[frames_depth_ - 1].foreign) {
            frames_[frames_depth_ - 1].text.append(stream_.text());
          }
          break;
        case XmlStream::Event::kEnd:
          OnEnd();
          break;
        case XmlStream::Event::kEndOfDocument:
          if (frames_depth_ != 0 || !saw_root_) {
            return MakeError(ErrorCode::kParse, stream_.display_name() + ": no root element");
          }
          return summary_;
        case XmlStream::Event::kError:
          return stream_.error();
      }
    }
  }

 private:
  Frame& PushFrame(std::string_view name) {
    if (frames_depth_ == frames_.size()) {
      frames_.emplace_back();
    }
    Frame& f = frames_[frames_depth_++];
    f.name = name;
    f.text.clear();
    f.line = stream_.line();
    f.entity_level = -1;
    f.has_child = false;
    f.foreign = false;
    return f;
  }

  struct NameInfo {
    std::string_view name;
    std::optional<EntityKind> kind;
  };

  // The element's name and entity kind, cached per interned name (no string compares per element).
  const NameInfo& LookUpName() {
    const void* key = stream_.name_key();
    auto it = names_.find(key);
    if (it == names_.end()) {
      const std::string_view name = stream_.local_name();
      it = names_.emplace(key, NameInfo{name, EntityKindFromName(name)}).first;
    }
    return it->second;
  }

  bool InOurNamespace() {
    const void* key = stream_.namespace_key();
    if (key != last_ns_key_ || key == nullptr) {
      last_ns_key_ = key;
      last_ns_ours_ = stream_.namespace_uri() == kArkivstrukturNamespace;
    }
    return last_ns_ours_;
  }

  Entity& PushEntity() {
    if (entity_depth_ == entities_.size()) {
      entities_.push_back(std::make_unique<Entity>());
    }
    if (child_keys_.size() < entities_.size()) {
      child_keys_.resize(entities_.size());
    }
    child_keys_[entity_depth_].clear();
    Entity& e = *entities_[entity_depth_++];
    e.Clear();
    return e;
  }

  Status OnStart() {
    ++summary_.elements;
    Frame* parent = frames_depth_ > 0 ? &frames_[frames_depth_ - 1] : nullptr;
    if (parent != nullptr) {
      parent->has_child = true;
    }
    const bool parent_foreign = parent != nullptr && parent->foreign;
    const NameInfo& info = LookUpName();
    const std::string_view name = info.name;
    const bool in_our_ns = InOurNamespace();

    if (parent == nullptr) {
      saw_root_ = true;
      if (name != "arkiv" || !in_our_ns) {
        return MakeError(ErrorCode::kParse,
                         stream_.display_name() + ":" + std::to_string(stream_.line()) +
                             ": root element is not arkiv in the Noark 5 arkivstruktur namespace");
      }
      handler_.OnRoot(stream_.line());
    }

    // Count the element as a direct child of the innermost entity.
    const bool parent_is_entity = parent == nullptr || parent->entity_level >= 0;
    std::optional<EntityKind> kind;
    if (!parent_foreign && in_our_ns && parent_is_entity) {
      kind = info.kind;
    }
    if (kind) {
      if (entity_depth_ > 0) {
        Entity& owner = *entities_[entity_depth_ - 1];
        ++owner.child_entities[static_cast<std::size_t>(*kind)];
        if (owner.CountChildEntities(*kind) == 1 && owner.kind == EntityKind::kArkivdel) {
          RememberArkivdel(owner);
        }
        // The owner's kassasjon and skjerming precede its child entities in every version.
        Resolve(entity_depth_ - 1);
      }
      int nesting = 0;
      for (std::size_t i = 0; i < entity_depth_; ++i) {
        nesting += entities_[i]->kind == *kind ? 1 : 0;
      }
      Entity& e = PushEntity();
      e.kind = *kind;
      e.line = stream_.line();
      e.nesting = nesting;
      std::string type = stream_.attribute("type", "http://www.w3.org/2001/XMLSchema-instance");
      if (const auto colon = type.find(':'); colon != std::string::npos) {
        type.erase(0, colon + 1);
      }
      e.type = type.empty() ? std::string(name) : std::move(type);
      Frame& f = PushFrame(name);
      f.entity_level = static_cast<int>(entity_depth_ - 1);
      return {};
    }

    if (parent != nullptr && parent->entity_level >= 0 && entity_depth_ > 0) {
      Entity& owner = *entities_[entity_depth_ - 1];
      // child_keys_ runs parallel to owner.child_elements: compare interned names, not strings.
      std::vector<const void*>& keys = child_keys_[entity_depth_ - 1];
      const void* key = stream_.name_key();
      const auto found = std::find(keys.begin(), keys.end(), key);
      if (found == keys.end()) {
        keys.push_back(key);
        owner.child_elements.emplace_back(std::string(name), 1);
      } else {
        ++owner.child_elements[static_cast<std::size_t>(found - keys.begin())].second;
      }
    }
    Frame& f = PushFrame(name);
    f.foreign = parent_foreign || !in_our_ns || name == "virksomhetsspesifikkeMetadata";
    return {};
  }

  void OnEnd() {
    if (frames_depth_ == 0) {
      return;
    }
    Frame& f = frames_[frames_depth_ - 1];
    if (!f.has_child && !f.foreign && TrimAsciiSpace(f.text).empty()) {
      handler_.OnEmptyElement(f.name, f.line,
                              entity_depth_ > 0 ? entities_[entity_depth_ - 1].get() : nullptr);
    }
    if (f.entity_level >= 0) {
      FinishEntity();
    } else if (!f.has_child && !f.foreign && entity_depth_ > 0) {
      AddField(f);
    }
    --frames_depth_;
  }

  void AddField(const Frame& leaf) {
    Entity& owner = *entities_[entity_depth_ - 1];
    // Path from the owning entity's frame down to this leaf.
    std::size_t owner_frame = frames_depth_ - 1;
    while (frames_[owner_frame].entity_level < 0) {
      --owner_frame;
    }
    std::string path;
    for (std::size_t i = owner_frame + 1; i < frames_depth_; ++i) {
      if (!path.empty()) {
        path.push_back('/');
      }
      path.append(frames_[i].name);
    }
    std::string_view value = TrimAsciiSpace(leaf.text);
    if (path == "systemID" && owner.system_id.empty()) {
      owner.system_id.assign(value);
    }
    owner.fields.push_back(Field{std::move(path), std::string(value), leaf.line});
  }

  void RememberArkivdel(const Entity& arkivdel) {
    if (arkivdel.system_id.empty()) {
      return;
    }
    ArkivdelSettings settings;
    ApplyOwn(arkivdel, settings.retention, settings.screening);
    arkivdeler_[arkivdel.system_id] = std::move(settings);
  }

  // Sets retention/screening from the entity's own kassasjon/skjerming if present.
  static void ApplyOwn(const Entity& e, EffectiveRetention& retention,
                       EffectiveScreening& screening) {
    if (!retention.present && e.Has("kassasjon/kassasjonsvedtak")) {
      retention.present = true;
      retention.vedtak = e.Get("kassasjon/kassasjonsvedtak");
      retention.bevaringstid = e.Get("kassasjon/bevaringstid");
      retention.kassasjonsdato = e.Get("kassasjon/kassasjonsdato");
      retention.source_system_id = e.system_id;
      retention.source_kind = e.kind;
    }
    if (!screening.present && e.Has("skjerming/tilgangsrestriksjon")) {
      screening.present = true;
      screening.tilgangsrestriksjon = e.Get("skjerming/tilgangsrestriksjon");
      screening.skjermingshjemmel = e.Get("skjerming/skjermingshjemmel");
      screening.opphoerer_dato = e.Get("skjerming/skjermingOpphoererDato");
      screening.source_system_id = e.system_id;
    }
  }

  void ApplyReferanseArkivdel(const Entity& e, EffectiveRetention& retention,
                              EffectiveScreening& screening, std::string_view own_arkivdel) {
    const std::string_view ref = e.Get("referanseArkivdel");
    if (ref.empty() || ref == own_arkivdel) {
      return;
    }
    auto it = arkivdeler_.find(std::string(ref));
    if (it == arkivdeler_.end()) {
      return;
    }
    if (!retention.present && it->second.retention.present) {
      retention = it->second.retention;
      retention.via_referanse_arkivdel = true;
    }
    if (!screening.present && it->second.screening.present) {
      screening = it->second.screening;
    }
  }

  // Effective retention and screening of the entity at `level`: its own, else that of an
  // arkivdel it refers to (M208), else its parent's. Computed once per entity.
  void Resolve(std::size_t level) {
    if (resolved_.size() < entities_.size()) {
      resolved_.resize(entities_.size());
    }
    Resolved& r = resolved_[level];
    if (r.done) {
      return;
    }
    const Entity& e = *entities_[level];
    r.retention = EffectiveRetention{};
    r.screening = EffectiveScreening{};
    ApplyOwn(e, r.retention, r.screening);
    std::string_view own_arkivdel;
    for (std::size_t i = 0; i < level; ++i) {
      if (entities_[i]->kind == EntityKind::kArkivdel) {
        own_arkivdel = entities_[i]->system_id;
      }
    }
    ApplyReferanseArkivdel(e, r.retention, r.screening, own_arkivdel);
    if (level > 0) {
      Resolve(level - 1);
      const Resolved& parent = resolved_[level - 1];
      if (!r.retention.present) {
        r.retention = parent.retention;
      }
      if (!r.screening.present) {
        r.screening = parent.screening;
      }
    }
    r.done = true;
  }

  void FinishEntity() {
    const std::size_t level = entity_depth_ - 1;
    Entity& e = *entities_[level];
    ++summary_.entities[static_cast<std::size_t>(e.kind)];
    if (e.kind == EntityKind::kArkivdel) {
      RememberArkivdel(e);
    }
    ancestor_view_.clear();
    for (std::size_t i = 0; i < level; ++i) {
      ancestor_view_.push_back(entities_[i].get());
    }
    Resolve(level);
    EntityContext context;
    context.ancestors = ancestor_view_;
    context.retention = std::move(resolved_[level].retention);
    context.screening = std::move(resolved_[level].screening);
    resolved_[level].done = false;  // the slot is reused by the next entity at this depth
    handler_.OnEntity(e, context);
    --entity_depth_;
  }

  XmlStream& stream_;
  ArkivstrukturHandler& handler_;
  std::vector<Frame> frames_;  // reused; frames_depth_ are live
  std::size_t frames_depth_ = 0;
  std::vector<std::unique_ptr<Entity>> entities_;  // reused; entity_depth_ are live
  std::size_t entity_depth_ = 0;
  std::vector<const Entity*> ancestor_view_;

  struct Resolved {
    EffectiveRetention retention;
    EffectiveScreening screening;
    bool done = false;
  };

  std::vector<Resolved> resolved_;  // parallel to entities_
  std::unordered_map<const void*, NameInfo> names_;
  std::vector<std::vector<const void*>> child_keys_;  // per entity level
  const void* last_ns_key_ = nullptr;
  bool last_ns_ours_ = false;
  std::map<std::string, ArkivdelSettings, std::less<>> arkivdeler_;  // few: one per arkivdel
  ArkivstrukturSummary summary_;
  bool saw_root_ = false;
};

}  // namespace

Result<ArkivstrukturSummary> ReadArkivstruktur(XmlStream& stream, ArkivstrukturHandler& handler) {
  Reader reader(stream, handler);
  return reader.Run();
}

}  // namespace arkivvakt::noark5
