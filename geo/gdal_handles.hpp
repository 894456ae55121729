#pragma once
// Internal to geo/ (vector_reader.cpp, vector_export.cpp): the one header
// that includes GDAL. Every GDAL handle lives in a unique_ptr with a deleter,
// GDAL's messages are captured per thread, and a failure names the dataset,
// layer and field it concerns as far as they are known. libosmium's
// gdalcpp.hpp is the model (https://github.com/osmcode/libosmium/blob/master/include/gdalcpp.hpp).

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace geo::gdal {

inline void register_drivers() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

// --- handles -------------------------------------------------------------------

struct dataset_closer {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using dataset_ptr = std::unique_ptr<GDALDataset, dataset_closer>;

using feature_ptr = OGRFeatureUniquePtr;  // GDAL's own, with OGRFeature::DestroyFeature

struct geometry_destroyer {
    void operator()(OGRGeometry* g) const { OGRGeometryFactory::destroyGeometry(g); }
};
using geometry_ptr = std::unique_ptr<OGRGeometry, geometry_destroyer>;

// Strings GDAL allocates for the caller (WKT, recoded text).
struct cpl_freer {
    void operator()(char* s) const { CPLFree(s); }
};
using cpl_string_ptr = std::unique_ptr<char, cpl_freer>;

// A layer GDALDataset::ExecuteSQL made, handed back to its dataset.
class result_set {
public:
    result_set(GDALDataset& ds, OGRLayer* layer) : ds_(&ds), layer_(layer) {}
    ~result_set() {
        if (layer_) ds_->ReleaseResultSet(layer_);
    }
    result_set(result_set&& other) noexcept : ds_(other.ds_), layer_(std::exchange(other.layer_, nullptr)) {}
    result_set(result_set const&) = delete;
    result_set& operator=(result_set const&) = delete;
    result_set& operator=(result_set&&) = delete;

    OGRLayer* get() const { return layer_; }
    explicit operator bool() const { return layer_ != nullptr; }

private:
    GDALDataset* ds_;
    OGRLayer* layer_;
};

// --- errors ----------------------------------------------------------------------

// Collects GDAL's messages for the current thread (GDAL's handler stack is
// per thread), so a failure can be reported with what it concerns.
class error_capture {
public:
    error_capture() { CPLPushErrorHandlerEx(&error_capture::handle, this); }
    ~error_capture() { CPLPopErrorHandler(); }
    error_capture(error_capture const&) = delete;
    error_capture& operator=(error_capture const&) = delete;

    std::vector<std::string> failures;
    std::vector<std::string> warnings;

    // GDAL's latest failure message, for a call that returned an error code.
    std::string last_failure() const { return failures.empty() ? "GDAL gave no reason" : failures.back(); }

private:
    static void CPL_STDCALL handle(CPLErr level, CPLErrorNum, char const* message) {
        auto* self = static_cast<error_capture*>(CPLGetErrorHandlerUserData());
        auto& list = level >= CE_Failure ? self->failures : self->warnings;
        if (list.size() < 1000) list.emplace_back(message ? message : "");
    }
};

// What a GDAL call worked on, as far as it is known. A message built with
// it names it first: "elc.shp (layer 'elc', field 'Name'): ...", or without
// a dataset "layer 'elc', field 'Name': ...". Errors gain context where the
// context is known: the reader throws load_error(where.message(...)), the
// exporter export_error, and a caller that knows more (a feature id, the
// output file) catches, adds it and rethrows.
struct context {
    std::string dataset;  // path, or connection string without its password
    std::string layer;
    std::string field;

    std::string str() const {
        std::string inner;
        if (!layer.empty()) inner = "layer '" + layer + "'";
        if (!field.empty()) inner += (inner.empty() ? "" : ", ") + std::string("field '") + field + "'";
        if (dataset.empty()) return inner;
        return inner.empty() ? dataset : dataset + " (" + inner + ")";
    }
    std::string message(std::string_view what) const {
        std::string const where = str();
        return where.empty() ? std::string(what) : where + ": " + std::string(what);
    }
    context with_field(std::string name) const { return {dataset, layer, std::move(name)}; }
};

}  // namespace geo::gdal
