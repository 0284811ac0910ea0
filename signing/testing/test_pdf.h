// The PDF writer with a signature placeholder moved to signing/pdf_writer.h (the demo uses it
// too); tests keep their names through these declarations.
#pragma once

#include "signing/pdf_writer.h"

namespace arkivvakt::signing::testing {

using signing::AppendUpdate;
using signing::BuildSignedPdf;
using signing::ContentStream;
using signing::EmbedSignature;
using signing::PageObject;
using signing::PagesObject;
using signing::PreparedPdf;
using signing::PreparePdf;

}  // namespace arkivvakt::signing::testing
