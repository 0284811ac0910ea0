#include <charconv>
#include <memory>

#include "common/text.h"
#include "noark5/addml.h"
#include "noark5/xml_stream.h"

namespace arkivvakt::noark5 {

const AddmlOccurrence* AddmlDataObject::Occurrence(std::string_view element) const {
  for (const AddmlOccurrence& o : occurrences) {
    if (o.element == element) {
      return &o;
    }
  }
  return nullptr;
}

const AddmlDataObject* Arkivuttrekk::DataObject(std::string_view name) const {
  for (const AddmlDataObject& d : data_objects) {
    if (d.name == name) {
      return &d;
    }
  }
  return nullptr;
}

bool Arkivuttrekk::SharpPeriodSeparation() const {
  return inngaaende_skille == "skarpt" && utgaaende_skille == "skarpt";
}

namespace {

// A generic ADDML element: property/additionalElement/dataObject with its @name, the text of
// its <value> child and its nested elements.
struct Node {
  std::string element;
  std::string name;   // @name
  std::string value;  // text of the direct <value> child (trimmed)
  std::string text;   // own text (for <value> itself)
  std::uint64_t line = 0;
  std::vector<std::unique_ptr<Node>> children;
};

// Children named `element` (looking through <properties>, <additionalElements>, <dataObjects>
// wrappers) whose @name equals `name`.
void Collect(const Node& n, std::string_view element, std::string_view name,
             std::vector<const Node*>& out) {
  for (const auto& c : n.children) {
    if (c->element == "properties" || c->element == "additionalElements" ||
        c->element == "dataObjects") {
      Collect(*c, element, name, out);
    } else if (c->element == element && (name.empty() || c->name == name)) {
      out.push_back(c.get());
    }
  }
}

const Node* Child(const Node* n, std::string_view element, std::string_view name) {
  if (n == nullptr) {
    return nullptr;
  }
  std::vector<const Node*> found;
  Collect(*n, element, name, found);
  return found.empty() ? nullptr : found.front();
}

const Node* Prop(const Node* n, std::string_view name) {
  return Child(n, "property", name);
}

std::vector<const Node*> Props(const Node* n, std::string_view name) {
  std::vector<const Node*> out;
  if (n != nullptr) {
    Collect(*n, "property", name, out);
  }
  return out;
}

// Depth-first search for the first element/name anywhere below n.
const Node* Deep(const Node* n, std::string_view element, std::string_view name) {
  if (n == nullptr) {
    return nullptr;
  }
  for (const auto& c : n->children) {
    if (c->element == element && c->name == name) {
      return c.get();
    }
    if (const Node* d = Deep(c.get(), element, name)) {
      return d;
    }
  }
  return nullptr;
}

std::optional<bool> ParseBool(const Node* n) {
  if (n == nullptr) {
    return std::nullopt;
  }
  if (n->value == "true" || n->value == "1") {
    return true;
  }
  if (n->value == "false" || n->value == "0") {
    return false;
  }
  return std::nullopt;
}

std::optional<std::uint64_t> ParseCount(const std::string& s) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

AddmlFileRef ReadFileRef(const Node* file_prop) {
  AddmlFileRef ref;
  if (const Node* name = Prop(file_prop, "name")) {
    ref.name = name->value;
    ref.line = name->line;
  } else {
    ref.line = file_prop->line;
  }
  if (const Node* checksum = Prop(file_prop, "checksum")) {
    AddmlChecksum c;
    if (const Node* a = Prop(checksum, "algorithm")) {
      c.algorithm = a->value;
    }
    if (const Node* v = Prop(checksum, "value")) {
      c.value = v->value;
    }
    ref.checksum = std::move(c);
  }
  return ref;
}

AddmlDataObject ReadDataObject(const Node& d) {
  AddmlDataObject out;
  out.name = d.name;
  out.line = d.line;
  if (const Node* file = Prop(&d, "file")) {
    out.file = ReadFileRef(file);
  }
  for (const Node* schema : Props(&d, "schema")) {
    const Node* file = Prop(schema, "file");
    AddmlFileRef ref = file != nullptr ? ReadFileRef(file) : AddmlFileRef{};
    ref.schema_role = schema->value;
    if (ref.line == 0) {
      ref.line = schema->line;
    }
    out.schemas.push_back(std::move(ref));
  }
  for (const Node* info : Props(&d, "info")) {
    for (const Node* occ : Props(info, "numberOfOccurrences")) {
      AddmlOccurrence o;
      o.element = occ->value;
      o.line = occ->line;
      if (const Node* v = Prop(occ, "value")) {
        o.value = ParseCount(v->value);
      }
      out.occurrences.push_back(std::move(o));
    }
  }
  return out;
}

}  // namespace

Result<Arkivuttrekk> ReadArkivuttrekk(const std::filesystem::path& path,
                                      const std::string& display_name) {
  auto opened = XmlStream::Open(path, display_name);
  if (!opened.ok()) {
    return opened.error();
  }
  XmlStream& stream = **opened;
  Node root;
  std::vector<Node*> stack{&root};
  std::size_t nodes = 0;
  for (bool done = false; !done;) {
    switch (stream.Next()) {
      case XmlStream::Event::kStart: {
        if (++nodes > kMaxAddmlNodes) {
          return MakeError(ErrorCode::kSecurity, display_name + ": more than " +
                                                     std::to_string(kMaxAddmlNodes) +
                                                     " elements, refused");
        }
        auto n = std::make_unique<Node>();
        n->element = stream.local_name();
        n->name = stream.attribute("name");
        n->line = stream.line();
        Node* raw = n.get();
        stack.back()->children.push_back(std::move(n));
        stack.push_back(raw);
        break;
      }
      case XmlStream::Event::kText:
        if (stack.back()->text.size() < 65536) {
          stack.back()->text.append(stream.text());
        }
        break;
      case XmlStream::Event::kEnd: {
        Node* n = stack.back();
        stack.pop_back();
        if (n->element == "value" && stack.back()->value.empty()) {
          stack.back()->value = std::string(TrimAsciiSpace(n->text));
        }
        break;
      }
      case XmlStream::Event::kEndOfDocument:
        done = true;
        break;
      case XmlStream::Event::kError:
        return stream.error();
    }
  }
  if (root.children.empty() || root.children.front()->element != "addml") {
    return MakeError(ErrorCode::kParse, display_name + ": root element is not addml");
  }
  const Node* addml = root.children.front().get();
  Arkivuttrekk out;
  const Node* dataset = nullptr;
  for (const auto& c : addml->children) {
    if (c->element == "dataset") {
      dataset = c.get();
    }
  }
  if (dataset == nullptr) {
    return MakeError(ErrorCode::kParse, display_name + ": no dataset element");
  }
  if (const Node* creators = Deep(dataset, "additionalElement", "recordCreators")) {
    std::vector<const Node*> each;
    Collect(*creators, "additionalElement", "recordCreator", each);
    for (const Node* c : each) {
      out.record_creators.push_back(c->value);
    }
  }
  if (const Node* n = Deep(dataset, "additionalElement", "systemName")) {
    out.system_name = n->value;
  }
  if (const Node* n = Deep(dataset, "additionalElement", "systemType")) {
    out.system_type = n->value;
  }
  if (const Node* n = Deep(dataset, "additionalElement", "archive")) {
    out.archive = n->value;
  }
  if (const Node* period = Deep(dataset, "additionalElement", "archivalPeriod")) {
    if (const Node* s = Prop(period, "startDate")) {
      out.period_start = s->value;
    }
    if (const Node* e = Prop(period, "endDate")) {
      out.period_end = e->value;
    }
  }
  // The top data object ("Noark 5-arkivuttrekk") holds info and the nested data objects.
  std::vector<const Node*> top;
  Collect(*dataset, "dataObject", "", top);
  for (const Node* obj : top) {
    const Node* info = Prop(obj, "info");
    if (const Node* type = Prop(info, "type")) {
      out.type = type->value;
      if (const Node* version = Prop(type, "version")) {
        out.version = version->value;
      }
    }
    if (const Node* extra = Prop(info, "additionalInfo")) {
      if (const Node* periode = Prop(extra, "periode")) {
        if (const Node* n = Prop(periode, "inngaaendeSkille")) {
          out.inngaaende_skille = n->value;
        }
        if (const Node* n = Prop(periode, "utgaaendeSkille")) {
          out.utgaaende_skille = n->value;
        }
      }
      out.inneholder_skjermet_informasjon = ParseBool(Prop(extra, "inneholderSkjermetInformasjon"));
      out.omfatter_dokumenter_som_er_kassert =
          ParseBool(Prop(extra, "omfatterDokumenterSomErKassert"));
      out.inneholder_dokumenter_som_skal_kasseres =
          ParseBool(Prop(extra, "inneholderDokumenterSomSkalKasseres"));
      out.inneholder_virksomhetsspesifikke_metadata =
          ParseBool(Prop(extra, "inneholderVirksomhetsspesifikkeMetadata"));
      if (const Node* n = Prop(extra, "antallDokumentfiler")) {
        out.antall_dokumentfiler = ParseCount(n->value);
      }
    }
    std::vector<const Node*> nested;
    Collect(*obj, "dataObject", "", nested);
    for (const Node* d : nested) {
      out.data_objects.push_back(ReadDataObject(*d));
    }
  }
  return out;
}

}  // namespace arkivvakt::noark5
