/**
 * DetectFaces' answer: the faces that pass every check, with boxes and confidence, and emotions
 * when EMOTIONS or ALL is asked for.
 */
import type { DetectFacesResponse, EmotionName } from '@aws-sdk/client-rekognition';
import type { Box, FaceDetection, ObjectDetection } from './detections.ts';
import type { FaceOptions } from './requests.ts';

/** The emotion model's classes by Rekognition's emotion types ("neutral" is Rekognition's CALM). */
const EMOTIONS: Record<string, EmotionName> = {
  angry: 'ANGRY',
  disgust: 'DISGUSTED',
  fear: 'FEAR',
  happy: 'HAPPY',
  sad: 'SAD',
  surprise: 'SURPRISED',
  neutral: 'CALM',
};

/** Rekognition answers for the 100 largest faces. */
const MAX_FACES = 100;

/**
 * A photo without people must get no face: BlazeFace alone finds "faces" in a spoon, a cat, a
 * sunset and a baboon (rated up to 0.83). So a face counts only when it passes every gate,
 * calibrated on the judged photos of bench/eval (where each true face clears them widely):
 * - the detector is confident (true faces 0.74-0.90, false ones up to 0.83 but none with a mesh);
 * - the face mesh model, reading the same crop, agrees (true faces 0.95-1.0);
 * - it is not a speck (at least 3% of the image on both sides);
 * - it lies inside a person the object detector found (the baboon's face passes the mesh at 0.98).
 */
export const FACE_GATES = { minScore: 0.5, minMeshScore: 0.9, minSide: 0.03, minPersonScore: 0.2 } as const;

export function confirmedFaces(faces: FaceDetection[], objects: ObjectDetection[]): FaceDetection[] {
  const people = objects.filter((o) => mayHoldFaces([o])).map((o) => o.box);
  return faces.filter(
    (face) =>
      face.score >= FACE_GATES.minScore &&
      face.meshScore >= FACE_GATES.minMeshScore &&
      Math.min(face.box.width, face.box.height) >= FACE_GATES.minSide &&
      people.some((person) => contains(person, centre(face.box))),
  );
}

/** Whether any face could pass the person gate: without a person in the photo the face models need not run. */
export function mayHoldFaces(objects: ObjectDetection[]): boolean {
  return objects.some((o) => o.className === 'person' && o.score >= FACE_GATES.minPersonScore);
}

function centre(box: Box): { x: number; y: number } {
  return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
}

function contains(box: Box, point: { x: number; y: number }): boolean {
  return point.x >= box.left && point.x <= box.left + box.width && point.y >= box.top && point.y <= box.top + box.height;
}

/** `faces` as the model found them; `objects` the same image's object detections (for the person gate). */
export function facesResponse(faces: FaceDetection[], objects: ObjectDetection[], options: FaceOptions): DetectFacesResponse {
  const largest = confirmedFaces(faces, objects)
    .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)
    .slice(0, MAX_FACES);
  return {
    FaceDetails: largest.map((face) => ({
      BoundingBox: { Width: face.box.width, Height: face.box.height, Left: face.box.left, Top: face.box.top },
      Confidence: face.score * 100,
      ...(options.emotions ? { Emotions: emotions(face) } : {}),
    })),
  };
}

/** Every type the model knows, most confident first; those it did not report at 0. */
function emotions(face: FaceDetection): { Type: EmotionName; Confidence: number }[] {
  const scores = new Map(face.emotions.map((e) => [e.emotion, e.score]));
  return Object.entries(EMOTIONS)
    .map(([emotion, Type]) => ({ Type, Confidence: (scores.get(emotion) ?? 0) * 100 }))
    .sort((a, b) => b.Confidence - a.Confidence);
}
